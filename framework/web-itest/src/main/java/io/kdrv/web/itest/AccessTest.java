package io.kdrv.web.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceState;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Access control for real, through the whole HTTP stack: cross-site and DNS-rebinding requests on loopback, and
 * requests from a non-loopback address of this machine (the test runtime listens on all interfaces), which need
 * the access token.
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

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
            if (ni.isUp() && !ni.isLoopback()) {
                Optional<InetAddress> a = ni.inetAddresses().filter(x -> x instanceof Inet4Address).findFirst();
                if (a.isPresent()) {
                    return a;
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void otherHostsNeedTheToken() throws Exception {
        Optional<InetAddress> addr = nonLoopbackAddress();
        Assumptions.assumeTrue(addr.isPresent(), "this machine has no non-loopback IPv4 address");
        useToken();
        Http remote = new Http(addr.get(), http.port());
        Http.Response read = remote.get("/kdrv/api/devices");
        assertEquals(403, read.status(), read.body());
        assertTrue(read.body().contains("missing access token: requests from " + addr.get().getHostAddress()),
                read.body());
        Http.Response page = remote.get("/kdrv/");
        assertEquals(403, page.status());
        assertTrue(page.body().contains("access token"), page.body());
        assertEquals(200, remote.get("/kdrv/api/devices", "Authorization", "Bearer " + TOKEN).status());
        Http.Response login = remote.get("/kdrv/?token=" + TOKEN);
        assertEquals(302, login.status(), login.body());
        assertTrue(login.headers().get("set-cookie").contains("SameSite=Strict"), login.headers().toString());
        String cookie = "kdrv_token=" + TOKEN;
        assertEquals(200, remote.get("/kdrv/", "Cookie", cookie).status(), "pages with the cookie");
        Http.Response cookieWrite = remote.postJson("/kdrv/api/devices/" + KEYS + "/unbind", null, "Cookie", cookie);
        assertEquals(403, cookieWrite.status(), "a cookie alone cannot change state: " + cookieWrite.body());
        assertKeysUntouched();
        Http.Response write = remote.postJson("/kdrv/api/devices/" + KEYS + "/unbind", null, "X-Kdrv-Token", TOKEN);
        assertEquals(200, write.status(), write.body());
        awaitState(KEYS, DeviceState.UNBOUND);
    }
}
