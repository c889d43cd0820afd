package io.kdrv.web.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceState;
import io.kdrv.testing.await.Await;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Access control for real, through the whole HTTP stack: cross-site and DNS-rebinding requests on loopback. The
 * rules for requests from other hosts (token header, read-only cookie) are tested on {@code AccessPolicy} itself
 * (framework/web unit tests): tests here send traffic to loopback only.
 */
final class AccessTest extends WebTestBase {
    static final String TOKEN = "itest-token-0123456789";

    @AfterEach
    void dropToken() throws Exception {
        cm.getConfiguration("kdrv.web", "?").delete();
    }

    private void useToken() throws Exception {
        configureWeb(Map.of("token", TOKEN));
        Await.until("token configured", () -> {
            try {
                return http.get("/kdrv/api/overview", "X-Kdrv-Token", TOKEN).status() == 200;
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    @Test
    void crossSiteAndRebindingRequestsAreRefused() throws Exception {
        String unbind = "/kdrv/api/devices/" + KEYS + "/unbind";
        Http.Response origin = http.postJson(unbind, null, "Origin", "http://evil.example");
        assertEquals(403, origin.status(), origin.body());
        assertTrue(origin.body().contains("cross-site request refused: Origin http://evil.example"), origin.body());
        Http.Response site = http.postJson(unbind, null, "Sec-Fetch-Site", "cross-site",
                "Origin", "http://" + http.hostHeader());
        assertEquals(403, site.status(), site.body());
        Http.Response rebound = http.get("/kdrv/api/devices", "Host", "evil.example:" + http.port());
        assertEquals(403, rebound.status(), rebound.body());
        assertTrue(rebound.body().contains("missing access token"), rebound.body());
        Http.Response wrong = http.get("/kdrv/api/devices", "X-Kdrv-Token", "guess");
        assertEquals(403, wrong.status());
        assertTrue(wrong.headers().get("content-security-policy").startsWith("default-src 'self'"));
        assertKeysUntouched();
        useToken();
        Http.Response withToken = http.postJson(unbind, null, "Origin", "http://evil.example", "X-Kdrv-Token", TOKEN);
        assertEquals(200, withToken.status(), "the token header is proof enough: " + withToken.body());
        awaitState(KEYS, DeviceState.UNBOUND);
    }
}
