package dev.webrtcsteps.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Plain subscribers to rooms' sharded channels ({@code SSUBSCRIBE}), standing in for the other nodes a room spans in
 * a larger cluster: for Redis each is one more receiver of every message published there, as a node is. They read
 * what comes and count the messages, nothing more (each on a thread of its own, in Redis's protocol, skipping the
 * messages' bytes unread).
 */
final class ChannelListeners implements AutoCloseable {

    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong subscribed = new AtomicLong();

    private ChannelListeners() {
    }

    /** {@code count} subscribers, each to every one of {@code channels}, on the Redis at {@code port}; once all have. */
    static ChannelListeners subscribe(int port, int count, List<String> channels) {
        ChannelListeners listeners = new ChannelListeners();
        try {
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                listeners.sockets.add(socket);
                StringBuilder request = new StringBuilder("*").append(channels.size() + 1).append("\r\n");
                for (String word : concat("SSUBSCRIBE", channels)) {
                    request.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                            .append(word).append("\r\n");
                }
                OutputStream out = socket.getOutputStream();
                out.write(request.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread reader = new Thread(() -> listeners.read(socket), "channel-listener-" + i);
                reader.setDaemon(true);
                reader.start();
                listeners.readers.add(reader);
            }
        } catch (IOException failed) {
            listeners.close();
            throw new UncheckedIOException("could not subscribe to Redis on port " + port, failed);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (listeners.subscribed.get() < (long) count * channels.size()) {
            if (System.nanoTime() > deadline) {
                listeners.close();
                throw new IllegalStateException("the listeners' SSUBSCRIBE was not answered within 10 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return listeners;
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    /** Messages received so far, by all of them together. */
    long messages() {
        return messages.get();
    }

    /** Pushes are arrays of three: "smessage", channel, message; or "ssubscribe", channel, count. */
    private void read(Socket socket) {
        try (InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024)) {
            while (true) {
                int type = in.read();
                if (type == -1) {
                    return;
                }
                int items = Integer.parseInt(line(in));
                if (type != '*' || items != 3 || in.read() != '$') {
                    throw new IOException("not a push from Redis");
                }
                String kind = new String(in.readNBytes(Integer.parseInt(line(in)) + 2), StandardCharsets.US_ASCII).trim();
                skip(in); // the channel
                skip(in); // the message, or the number of subscriptions
                if (kind.equals("smessage")) {
                    messages.incrementAndGet();
                } else if (kind.equals("ssubscribe")) {
                    subscribed.incrementAndGet();
                }
            }
        } catch (IOException | RuntimeException closed) {
            // closed by close(), or Redis went away: the count stops
        }
    }

    private static void skip(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        if (type == '$') {
            in.skipNBytes(Integer.parseInt(line) + 2L);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c == -1) {
                throw new IOException("Redis closed the connection");
            }
            line.append((char) c);
        }
        in.read(); // '\n'
        return line.toString();
    }

    @Override
    public void close() {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (Thread reader : readers) {
            try {
                reader.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
