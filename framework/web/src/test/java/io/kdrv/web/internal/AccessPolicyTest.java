package io.kdrv.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AccessPolicyTest {
    private static final String TOKEN = "s3cret-token";

    private static String check(String method, String remote, String host, String origin, String site, String header,
            String cookie) {
        return AccessPolicy.check(new AccessPolicy.Request(method, remote, host, origin, site, header, cookie), TOKEN);
    }

    @Test
    void loopbackReadsAndSameOriginWritesNeedNoToken() {
        assertNull(check("GET", "127.0.0.1", "127.0.0.1:8080", null, null, null, null));
        assertNull(check("GET", "::1", "[::1]:8080", null, null, null, null));
        assertNull(check("POST", "127.0.0.1", "localhost:8080", null, null, null, null), "curl on the machine");
        assertNull(check("POST", "127.0.0.1", "localhost:8080", "http://localhost:8080", "same-origin", null, null));
    }

    @Test
    void crossSiteWritesFromLoopbackAreRefused() {
        String r = check("POST", "127.0.0.1", "127.0.0.1:8080", "http://evil.example", "cross-site", null, null);
        assertNotNull(r);
        assertTrue(r.startsWith("cross-site request refused: Sec-Fetch-Site is cross-site"), r);
        r = check("POST", "127.0.0.1", "127.0.0.1:8080", "http://evil.example", null, null, null);
        assertTrue(r.contains("Origin http://evil.example is not this console"), r);
        assertNotNull(check("POST", "127.0.0.1", "127.0.0.1:8080", null, "same-site", null, null));
        assertNotNull(check("POST", "127.0.0.1", "127.0.0.1:8080", "http://127.0.0.1:9999", null, null, null),
                "another port is another origin");
    }

    @Test
    void dnsRebindingHostIsNotLoopback() {
        String r = check("GET", "127.0.0.1", "evil.example:8080", null, null, null, null);
        assertTrue(r.startsWith("missing access token"), r);
        assertNotNull(check("GET", "127.0.0.1", "127.0.0.1.evil.example", null, null, null, null));
    }

    @Test
    void remoteRequestsNeedTheToken() {
        assertTrue(check("GET", "192.0.2.7", "192.0.2.2:8080", null, null, null, null).contains("X-Kdrv-Token"));
        assertNull(check("GET", "192.0.2.7", "192.0.2.2:8080", null, null, TOKEN, null));
        assertNull(check("POST", "192.0.2.7", "192.0.2.2:8080", null, null, TOKEN, null));
        assertNull(check("GET", "192.0.2.7", "192.0.2.2:8080", null, null, null, TOKEN), "cookie for pages/SSE");
        String r = check("POST", "192.0.2.7", "192.0.2.2:8080", null, null, null, TOKEN);
        assertTrue(r.contains("change state need header X-Kdrv-Token"), "cookie alone cannot write: " + r);
        assertEquals("wrong access token (header X-Kdrv-Token)",
                check("GET", "127.0.0.1", "127.0.0.1:8080", null, null, "guess", null));
    }

    @Test
    void loopbackRecognition() {
        assertTrue(AccessPolicy.isLoopbackHost("LOCALHOST:80"));
        assertTrue(AccessPolicy.isLoopbackHost("127.0.0.1"));
        assertTrue(AccessPolicy.isLoopbackHost("[::1]:8080"));
        assertTrue(!AccessPolicy.isLoopbackHost("localhost.evil.example"));
        assertTrue(!AccessPolicy.isLoopbackHost(null));
        assertTrue(!AccessPolicy.isLoopbackAddress("10.0.0.1"));
        assertTrue(AccessPolicy.isLoopbackAddress("0:0:0:0:0:0:0:1"));
    }
}
