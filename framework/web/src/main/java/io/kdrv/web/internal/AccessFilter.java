package io.kdrv.web.internal;

import java.io.IOException;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * HTTP Whiteboard filter in front of everything under {@code /kdrv}: applies {@link AccessPolicy}, answers 403 with
 * a JSON error (API) or a token form (pages), and sets the security headers of every response (no framing, no
 * content sniffing, a strict same-origin content security policy: the pages load nothing from elsewhere).
 *
 * <p>{@code GET /kdrv/?token=...} with the right token sets the {@value AccessPolicy#TOKEN_COOKIE} cookie
 * ({@code SameSite=Strict}, path {@code /kdrv}) and redirects to the page without the token in its URL.
 */
@Component(service = Filter.class, property = {
        "osgi.http.whiteboard.filter.pattern=/kdrv",
        "osgi.http.whiteboard.filter.pattern=/kdrv/*",
        "osgi.http.whiteboard.filter.name=kdrv-access"})
public final class AccessFilter implements Filter {
    private final WebSettings settings;

    @Activate
    public AccessFilter(@Reference WebSettings settings) {
        this.settings = settings;
    }

    private static String queryToken(String query) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("token=")) {
                return java.net.URLDecoder.decode(pair.substring(6), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Referrer-Policy", "no-referrer");
        resp.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        String token = settings.token();
        // from the query string only: getParameter would consume a form-encoded POST body meant for the API
        String queryToken = AccessPolicy.isSafe(req.getMethod()) ? queryToken(req.getQueryString()) : null;
        if (queryToken != null && !req.getRequestURI().startsWith("/kdrv/api/")
                && AccessPolicy.matches(queryToken, token)) {
            // not HttpOnly: the pages read it to send the token header with state changes
            resp.addHeader("Set-Cookie", AccessPolicy.TOKEN_COOKIE + "=" + queryToken
                    + "; Path=/kdrv; SameSite=Strict");
            resp.sendRedirect(req.getRequestURI());
            return;
        }
        String auth = req.getHeader("Authorization");
        String headerToken = req.getHeader(AccessPolicy.TOKEN_HEADER);
        if (headerToken == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            headerToken = auth.substring(7).trim();
        }
        String cookieToken = null;
        if (req.getCookies() != null) {
            for (Cookie c : req.getCookies()) {
                if (AccessPolicy.TOKEN_COOKIE.equals(c.getName())) {
                    cookieToken = c.getValue();
                }
            }
        }
        String denied = AccessPolicy.check(new AccessPolicy.Request(req.getMethod(), req.getRemoteAddr(),
                req.getHeader("Host"), req.getHeader("Origin"), req.getHeader("Sec-Fetch-Site"), headerToken,
                cookieToken), token);
        if (denied == null) {
            chain.doFilter(request, response);
            return;
        }
        if (req.getRequestURI().startsWith("/kdrv/api/") || !AccessPolicy.isSafe(req.getMethod())) {
            ApiServlet.sendError(resp, 403, denied);
            return;
        }
        resp.setStatus(403);
        resp.setContentType("text/html;charset=utf-8");
        resp.getWriter().write("<!doctype html><meta charset=utf-8><title>kdrv: access token</title>"
                + "<body><h1>kdrv console</h1>"
                + "<p>This console is reached from another host: enter its access token "
                + "(printed at first start, stored in the state directory as web/access-token).</p>"
                + "<form method=get action='/kdrv/'><input name=token type=password size=40 autofocus> "
                + "<button>Open</button></form></body>");
    }
}
