package dev.webrtcsteps.common;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.session.ManagedSession;

/**
 * The servers keep no HTTP sessions: nothing in the steps needs one. Javalin's WebSocket upgrade asks for the
 * request's session anyway (to copy its attributes into the WebSocket context), and with Jetty's session
 * handler that created a session and sent a {@code JSESSIONID} cookie on every upgrade; sessions that, by
 * default, never expire. So this filter answers Javalin with a session of its own that holds nothing and is
 * forgotten with the request: {@code getSession(false)} is null, {@code getSession()} an empty session that
 * refuses attributes, so code that tries to keep something in a session fails at once instead of silently
 * keeping nothing. And the servlet context's session handler refuses to create any, whoever asks.
 */
final class NoSessions implements Filter {

    /** A session handler that creates no session (Javalin's servlet context cannot be without one). */
    static SessionHandler refusingHandler() {
        return new SessionHandler() {
            @Override
            public void newSession(Request request, String requestedSessionId, Consumer<ManagedSession> consumer) {
                throw new IllegalStateException("This server keeps no HTTP sessions (see NoSessions).");
            }
        };
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(new HttpServletRequestWrapper((HttpServletRequest) request) {
            @Override
            public HttpSession getSession(boolean create) {
                return create ? new Empty(getServletContext()) : null;
            }

            @Override
            public HttpSession getSession() {
                return getSession(true);
            }

            @Override
            public String getRequestedSessionId() {
                return null;
            }

            @Override
            public boolean isRequestedSessionIdValid() {
                return false;
            }
        }, response);
    }

    /** A session that holds nothing and is kept nowhere. */
    private record Empty(ServletContext context) implements HttpSession {

        @Override
        public long getCreationTime() {
            return 0;
        }

        @Override
        public String getId() {
            return "";
        }

        @Override
        public long getLastAccessedTime() {
            return 0;
        }

        @Override
        public ServletContext getServletContext() {
            return context;
        }

        @Override
        public void setMaxInactiveInterval(int interval) {
        }

        @Override
        public int getMaxInactiveInterval() {
            return 0;
        }

        @Override
        public Object getAttribute(String name) {
            return null;
        }

        @Override
        public Enumeration<String> getAttributeNames() {
            return Collections.emptyEnumeration();
        }

        @Override
        public void setAttribute(String name, Object value) {
            if (value != null) {
                throw new UnsupportedOperationException("This server keeps no HTTP sessions (see NoSessions).");
            }
        }

        @Override
        public void removeAttribute(String name) {
        }

        @Override
        public void invalidate() {
        }

        @Override
        public boolean isNew() {
            return true;
        }
    }
}
