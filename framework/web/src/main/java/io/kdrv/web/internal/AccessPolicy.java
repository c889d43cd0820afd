package io.kdrv.web.internal;

import java.net.URI;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Who may do what: the rules of the console's access control, as a pure function of one request's facts.
 *
 * <ul>
 * <li>A request carrying the access token in a header ({@value #TOKEN_HEADER} or {@code Authorization: Bearer})
 * may do anything.</li>
 * <li>A request from loopback (remote address 127.0.0.0/8 or ::1, and a {@code Host} header naming loopback, so a
 * DNS-rebinding page cannot pass as local) may read without a token; it may change state only when it is not
 * cross-site: {@code Sec-Fetch-Site}, when sent, is {@code same-origin} or {@code none}, and {@code Origin}, when
 * sent, is the request's own origin.</li>
 * <li>A request from another host needs the token: in a header, or (reads only: pages, the event stream) in the
 * {@value #TOKEN_COOKIE} cookie, which is {@code SameSite=Strict}. State changes always need the header: a
 * cross-site page can send cookies but not custom headers without a CORS preflight, which the console never
 * grants.</li>
 * </ul>
 * Stateless and thread-safe.
 */
final class AccessPolicy {
    static final String TOKEN_HEADER = "X-Kdrv-Token";
    static final String TOKEN_COOKIE = "kdrv_token";

    /** The facts of one request the decision depends on (header values may be null when absent). */
    record Request(String method, String remoteAddr, String host, String origin, String secFetchSite,
            String headerToken, String cookieToken) {
    }

    private AccessPolicy() {
    }

    /** @return null when allowed, else the reason for a 403 */
    static String check(Request r, String token) {
        boolean write = !isSafe(r.method());
        if (matches(r.headerToken(), token)) {
            return null;
        }
        if (r.headerToken() != null) {
            return "wrong access token (header " + TOKEN_HEADER + ")";
        }
        boolean local = isLoopbackAddress(r.remoteAddr()) && isLoopbackHost(r.host());
        if (local) {
            if (!write) {
                return null;
            }
            String crossSite = crossSite(r);
            return crossSite == null ? null : "cross-site request refused: " + crossSite;
        }
        if (!write && matches(r.cookieToken(), token)) {
            return null;
        }
        return write
                ? "missing access token: requests from " + r.remoteAddr() + " that change state need header "
                        + TOKEN_HEADER
                : "missing access token: requests from " + r.remoteAddr() + " need header " + TOKEN_HEADER
                        + " (or cookie " + TOKEN_COOKIE + ")";
    }

    static boolean isSafe(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }

    private static String crossSite(Request r) {
        String site = r.secFetchSite();
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return "Sec-Fetch-Site is " + site;
        }
        String origin = r.origin();
        if (origin != null) {
            try {
                URI o = new URI(origin);
                String self = o.getHost() == null ? null
                        : (o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort());
                if (self == null || r.host() == null
                        || !self.toLowerCase(Locale.ROOT).equals(r.host().toLowerCase(Locale.ROOT))) {
                    return "Origin " + origin + " is not this console (" + r.host() + ")";
                }
            } catch (java.net.URISyntaxException e) {
                return "Origin " + origin + " is not a URL";
            }
        }
        return null;
    }

    /** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
    static boolean matches(String given, String token) {
        if (given == null || token == null || token.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    static boolean isLoopbackAddress(String addr) {
        if (addr == null) {
            return false;
        }
        String a = addr.startsWith("[") && addr.endsWith("]") ? addr.substring(1, addr.length() - 1) : addr;
        return a.startsWith("127.") || a.equals("::1") || a.equals("0:0:0:0:0:0:0:1") || a.equals("::ffff:127.0.0.1");
    }

    /** The Host header names loopback: localhost, 127.x.y.z or [::1], with or without a port. */
    static boolean isLoopbackHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && isLoopbackAddress(h.substring(1, end));
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        return h.equals("localhost") || (h.startsWith("127.") && h.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
    }
}
