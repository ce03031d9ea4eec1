package dev.webrtcsteps.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Simulated users on a lean WebSocket client (RFC 6455, as much of it as the servers under test use): plain
 * non-blocking sockets, one thread that connects, upgrades and reads them all, frames written and parsed by hand,
 * and a received signal's send time found in its bytes without decoding them. java.net.http's WebSocket cost the
 * load generator about 30 µs of CPU per relayed signal and a core for 200 joins a second into rooms of 50: on a core
 * of its own the generator, not the server, set the floor's saturation rate and socket.io's join times. Each user
 * sends the same messages as a {@link BenchClient}.
 *
 * <p>Sends are written from the sending thread straight to the socket; only what the socket does not take at once
 * (or what is sent before the upgrade is done) waits for the reading thread, which writes it when it can.
 */
final class LeanClients implements AutoCloseable {

    private static final byte[] SENT_MARK_BYTES = SimulatedUser.SENT_MARK.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int CONTINUATION = 0x0;
    private static final int TEXT = 0x1;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;

    private final Selector selector;
    private final Thread reader;
    private final Queue<Lean> arrivals = new ConcurrentLinkedQueue<>();
    private final List<Lean> all = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private volatile boolean running = true;

    LeanClients() {
        try {
            selector = Selector.open();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
        reader = new Thread(this::readAll, "lean-clients");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Connects a user and joins {@code room}, without waiting: the future completes when the server has welcomed
     * it. Signals it receives report their send time to {@code onSignalSentAt}, on this group's reading thread.
     */
    CompletableFuture<SimulatedUser> join(BenchClient.Wire wire, int port, String room, String name,
            LongConsumer onSignalSentAt) {
        Lean user = new Lean(wire, onSignalSentAt, port, BenchClient.path(wire, room, name));
        try {
            user.connect();
        } catch (IOException | RuntimeException failed) {
            user.ended(failed);
            return user.welcomed;
        }
        synchronized (all) {
            all.add(user);
        }
        arrivals.add(user);
        selector.wakeup();
        return user.welcomed;
    }

    /** Closes every user (a close frame each, then the socket) and stops the reading thread. */
    @Override
    public void close() {
        List<Lean> users;
        synchronized (all) {
            users = new ArrayList<>(all);
        }
        users.forEach(Lean::close);
        // Let the close frames go out and the servers answer before the sockets close under them. A server on one
        // core may take many seconds to see thousands of users leave; a socket closed under it before then is a
        // dropped connection (step 3 keeps such a user for its resume grace period, then lets them all go at once,
        // in the middle of the next scenario).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (users.stream().anyMatch(user -> user.channel.isOpen()) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        running = false;
        selector.wakeup();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        users.forEach(Lean::shut);
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void readAll() {
        while (running) {
            try {
                selector.select(1_000);
                for (Lean user = arrivals.poll(); user != null; user = arrivals.poll()) {
                    user.register();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Lean user = (Lean) key.attachment();
                    if (key.isValid() && key.isConnectable()) {
                        user.connected();
                    }
                    if (key.isValid() && key.isWritable()) {
                        user.flush();
                    }
                    if (key.isValid() && key.isReadable()) {
                        user.read();
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException failed) {
                if (running) {
                    System.err.println("lean clients: " + failed);
                }
            }
        }
    }

    /** One user: its socket, what it has read but not yet parsed, and what it has still to write. */
    private final class Lean extends SimulatedUser {

        private final int port;
        private final String pathAndQuery;
        private SocketChannel channel;
        private SelectionKey key;
        /** Read and not yet parsed: the upgrade's answer, or a frame not yet complete (reading thread only). */
        private ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        private final ByteArrayOutputStream fragments = new ByteArrayOutputStream();
        /** Bytes the socket did not take at once, in order, the upgrade request first (guarded by this). */
        private final Queue<ByteBuffer> pending = new ArrayDeque<>();
        /** Whether the upgrade is done: until then, frames wait in {@link #pending} (guarded by this). */
        private boolean upgraded;
        private boolean closing;

        Lean(BenchClient.Wire wire, LongConsumer onSignalSentAt, int port, String pathAndQuery) {
            super(wire, onSignalSentAt);
            this.port = port;
            this.pathAndQuery = pathAndQuery;
        }

        /** Starts connecting, without waiting; the upgrade request waits to be written once connected. */
        void connect() throws IOException {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            synchronized (this) {
                pending.add(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            }
            channel.connect(new InetSocketAddress("127.0.0.1", port));
        }

        /** On the reading thread: from now on it drives this socket. */
        void register() throws IOException {
            synchronized (this) {
                key = channel.register(selector, channel.isConnectionPending() ? SelectionKey.OP_CONNECT
                        : SelectionKey.OP_READ | SelectionKey.OP_WRITE, this);
            }
        }

        void connected() {
            try {
                if (channel.finishConnect()) {
                    synchronized (this) {
                        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    }
                }
            } catch (IOException refused) {
                ended(refused);
                shut();
            }
        }

        @Override
        void send(String text) {
            frame(TEXT, text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        void close() {
            synchronized (this) {
                if (closing || !channel.isOpen()) {
                    return;
                }
                closing = true;
                if (!upgraded) {
                    shut();
                    return;
                }
            }
            frame(CLOSE, new byte[] {0x03, (byte) 0xE8}); // 1000, normal closure
        }

        /** Writes one masked frame, as a client must, or queues it behind bytes still waiting. */
        private void frame(int opcode, byte[] payload) {
            int length = payload.length;
            int head = length < 126 ? 2 : length < 65_536 ? 4 : 10;
            byte[] frame = new byte[head + 4 + length];
            frame[0] = (byte) (0x80 | opcode);
            if (length < 126) {
                frame[1] = (byte) (0x80 | length);
            } else if (length < 65_536) {
                frame[1] = (byte) (0x80 | 126);
                frame[2] = (byte) (length >>> 8);
                frame[3] = (byte) length;
            } else {
                frame[1] = (byte) (0x80 | 127);
                for (int i = 0; i < 8; i++) {
                    frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
                }
            }
            int mask = ThreadLocalRandom.current().nextInt();
            for (int i = 0; i < 4; i++) {
                frame[head + i] = (byte) (mask >>> (24 - 8 * i));
            }
            for (int i = 0; i < length; i++) {
                frame[head + 4 + i] = (byte) (payload[i] ^ frame[head + (i & 3)]);
            }
            ByteBuffer buffer = ByteBuffer.wrap(frame);
            synchronized (this) {
                try {
                    if (upgraded && pending.isEmpty()) {
                        channel.write(buffer);
                    }
                    if (buffer.hasRemaining()) {
                        pending.add(buffer);
                        if (upgraded && key != null && key.isValid()) {
                            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                            selector.wakeup();
                        }
                    }
                } catch (IOException failed) {
                    shut();
                }
            }
        }

        /**
         * On the reading thread, when the socket takes more: what waited. Before the upgrade is answered, only the
         * upgrade request: frames queued meanwhile go after it.
         */
        synchronized void flush() {
            try {
                while (!pending.isEmpty()) {
                    ByteBuffer next = pending.peek();
                    channel.write(next);
                    if (next.hasRemaining()) {
                        return;
                    }
                    pending.poll();
                    if (!upgraded) {
                        break;
                    }
                }
                key.interestOps(SelectionKey.OP_READ);
            } catch (IOException failed) {
                shut();
            }
        }

        void read() {
            try {
                while (true) {
                    readBuffer.clear();
                    int read = channel.read(readBuffer);
                    if (read < 0) {
                        shut();
                        return;
                    }
                    if (read == 0) {
                        return;
                    }
                    readBuffer.flip();
                    if (in.remaining() < read) {
                        ByteBuffer larger = ByteBuffer.allocate(Math.max(in.capacity() * 2, in.position() + read));
                        in.flip();
                        larger.put(in);
                        in = larger;
                    }
                    in.put(readBuffer);
                    if (!upgradeAnswered()) {
                        return;
                    }
                    parse();
                    if (read < readBuffer.capacity()) {
                        return; // drained for now
                    }
                }
            } catch (IOException failed) {
                ended(failed);
                shut();
            }
        }

        /** Whether the upgrade is done, reading its answer's head if it is in {@link #in} now. */
        private boolean upgradeAnswered() throws IOException {
            synchronized (this) {
                if (upgraded) {
                    return true;
                }
            }
            int end = indexOf(in.array(), 0, in.position(), HEAD_END);
            if (end < 0) {
                if (in.position() > 8 * 1024) {
                    throw new IOException("upgrade answer too long");
                }
                return false;
            }
            String head = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(""));
            }
            // Whatever follows the head is the first frames (the server may speak first).
            in.flip().position(end + HEAD_END.length);
            in.compact();
            synchronized (this) {
                upgraded = true;
                if (!pending.isEmpty()) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                }
            }
            return true;
        }

        /** Every whole frame in {@link #in}; an incomplete one stays for the next read. */
        private void parse() {
            in.flip();
            byte[] bytes = in.array();
            while (in.remaining() >= 2) {
                int start = in.position();
                int b0 = bytes[start] & 0xFF;
                int b1 = bytes[start + 1] & 0xFF;
                long length = b1 & 0x7F;
                int head = 2;
                if (length == 126) {
                    if (in.remaining() < 4) {
                        break;
                    }
                    length = ((bytes[start + 2] & 0xFF) << 8) | (bytes[start + 3] & 0xFF);
                    head = 4;
                } else if (length == 127) {
                    if (in.remaining() < 10) {
                        break;
                    }
                    length = in.getLong(start + 2);
                    head = 10;
                }
                boolean masked = (b1 & 0x80) != 0; // servers do not mask; tolerated all the same
                if (masked) {
                    head += 4;
                }
                if (in.remaining() < head + length) {
                    break;
                }
                int payload = start + head;
                if (masked) {
                    for (int i = 0; i < length; i++) {
                        bytes[payload + i] ^= bytes[payload - 4 + (i & 3)];
                    }
                }
                in.position(payload + (int) length);
                frameArrived(b0 & 0x0F, (b0 & 0x80) != 0, bytes, payload, (int) length);
            }
            in.compact();
        }

        private void frameArrived(int opcode, boolean fin, byte[] bytes, int from, int length) {
            switch (opcode) {
                case TEXT, CONTINUATION -> {
                    if (fin && fragments.size() == 0) {
                        message(bytes, from, length);
                    } else {
                        fragments.write(bytes, from, length);
                        if (fin) {
                            byte[] whole = fragments.toByteArray();
                            fragments.reset();
                            message(whole, 0, whole.length);
                        }
                    }
                }
                case PING -> frame(PONG, Arrays.copyOfRange(bytes, from, from + length));
                case CLOSE -> {
                    close(); // answer it, if we did not start it
                    shut();
                }
                default -> {
                    // pongs and binary frames: the servers under test send none that matter
                }
            }
        }

        /** A whole text message: a signal's send time is read from its bytes; anything else is parsed as text. */
        private void message(byte[] bytes, int from, int length) {
            int mark = indexOf(bytes, from, from + length, SENT_MARK_BYTES);
            if (mark >= 0) {
                long sentAt = 0;
                for (int i = mark + SENT_MARK_BYTES.length; i < from + length && bytes[i] >= '0' && bytes[i] <= '9'; i++) {
                    sentAt = sentAt * 10 + (bytes[i] - '0');
                }
                onSignalSentAt.accept(sentAt);
                return;
            }
            receive(new String(bytes, from, length, StandardCharsets.UTF_8));
        }

        /** Closes the socket at once. */
        void shut() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed anyway
            }
            ended(new IllegalStateException("connection closed"));
        }
    }

    /** Where {@code pattern} first occurs in {@code bytes[from, to)}, or -1. */
    static int indexOf(byte[] bytes, int from, int to, byte[] pattern) {
        outer:
        for (int i = from; i <= to - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
