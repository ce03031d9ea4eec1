package dev.webrtcsteps.common;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.LoggerFactory;

/**
 * What every HTTP request meets first, before Javalin: the {@link HostCheck}, then the security headers that go
 * on every response (pages, assets, {@code /health}, the {@code /signal} upgrade and its refusals, errors).
 */
final class HttpGuard extends Handler.Wrapper {

    /**
     * Only this server's own files run, load and connect: no inline script or style, no plugin, no form sent
     * elsewhere, no framing. {@code connect-src 'self'} covers the page's WebSocket to its own server
     * ({@code ws://} for a page on {@code http://}, {@code wss://} for one on {@code https://}).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    /** Refusals can come by the thousand: a few lines a minute say enough. */
    private final LogThrottle refusalsLog = new LogThrottle(LoggerFactory.getLogger(HostCheck.class), 20);

    private final HostCheck hosts;

    HttpGuard(HostCheck hosts) {
        this.hosts = hosts;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        response.getHeaders().put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put("X-Frame-Options", "DENY"); // frame-ancestors, for browsers that predate it
        String host = request.getHttpURI().getHost();
        if (!hosts.allows(host)) {
            String shown = OriginCheck.printable(host);
            refusalsLog.warn("Refused a request from {} for host {} (ALLOWED_HOSTS can allow it)", Request.getRemoteAddr(request), shown);
            return answer(response, callback, HttpStatus.FORBIDDEN_403, "This server does not answer to the name " + shown
                    + ". To allow it, start the server with ALLOWED_HOSTS=" + shown + ".");
        }
        if (!decodable(request.getHttpURI().getQuery())) {
            // Left to Javalin, a WebSocket upgrade would fail on it with 500, as if the server were at fault.
            return answer(response, callback, HttpStatus.BAD_REQUEST_400, "The query string is not valid URL encoding.");
        }
        return super.handle(request, response, callback);
    }

    private static boolean decodable(String query) {
        try {
            URLDecoder.decode(query == null ? "" : query, StandardCharsets.UTF_8);
            return true;
        } catch (IllegalArgumentException badPercentSequence) {
            return false;
        }
    }

    private static boolean answer(Response response, Callback callback, int status, String sentence) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, sentence + "\n", callback);
        return true;
    }
}
