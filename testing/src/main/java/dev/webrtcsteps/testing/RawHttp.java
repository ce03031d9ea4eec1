package dev.webrtcsteps.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP/1.1 written by hand over a socket: for requests no HTTP client sends, e.g. with a {@code Host} header of
 * the test's choosing, or a WebSocket upgrade whose answer is looked at as HTTP.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** A response: its status, its header lines as sent, and (unless it is 101) its body up to the close. */
    public record Reply(int status, List<String> headerLines, String body) {

        /** The first value of a header, by name in any case. */
        public Optional<String> header(String name) {
            return headers(name).stream().findFirst();
        }

        public List<String> headers(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headerLines.stream().filter(line -> line.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(line -> line.substring(prefix.length()).trim()).toList();
        }
    }

    /** {@code GET path} with {@code Host: host} and {@code Connection: close}. */
    public static Reply get(int port, String path, String host) throws IOException {
        return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    /** A WebSocket upgrade of {@code path}, as a browser sends it; {@code origin} may be null (no Origin header). */
    public static Reply upgrade(int port, String path, String host, String origin) throws IOException {
        return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n")
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    }

    /** Sends {@code request} as it is and reads the response (at most 10 s). */
    public static Reply exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            List<String> lines = new ArrayList<>();
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                lines.add(line);
            }
            if (lines.isEmpty()) {
                throw new IOException("The server closed the connection without a response.");
            }
            int status = Integer.parseInt(lines.get(0).split(" ")[1]);
            List<String> headers = List.copyOf(lines.subList(1, lines.size()));
            Reply head = new Reply(status, headers, "");
            return status == 101 ? head : new Reply(status, headers, new String(body(head, in), StandardCharsets.UTF_8));
        }
    }

    /** By its length, in chunks, or up to the close: a response to an upgrade request need not close. */
    private static byte[] body(Reply head, InputStream in) throws IOException {
        Optional<String> length = head.header("Content-Length");
        if (length.isPresent()) {
            return in.readNBytes(Integer.parseInt(length.get()));
        }
        if (!head.header("Transfer-Encoding").orElse("").equalsIgnoreCase("chunked")) {
            return in.readAllBytes();
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = Integer.parseInt(readLine(in).trim(), 16); size > 0; size = Integer.parseInt(readLine(in).trim(), 16)) {
            body.write(in.readNBytes(size));
            readLine(in);
        }
        return body.toByteArray();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
