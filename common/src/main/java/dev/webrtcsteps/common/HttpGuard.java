package dev.webrtcsteps.common;

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
        if (hosts.allows(host)) {
            return super.handle(request, response, callback);
        }
        String shown = OriginCheck.printable(host);
        refusalsLog.warn("Refused a request from {} for host {} (ALLOWED_HOSTS can allow it)", Request.getRemoteAddr(request), shown);
        response.setStatus(HttpStatus.FORBIDDEN_403);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, "This server does not answer to the name " + shown
                + ". To allow it, start the server with ALLOWED_HOSTS=" + shown + ".\n", callback);
        return true;
    }
}
