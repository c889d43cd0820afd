package io.kdrv.web.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceState;
import io.kdrv.testing.await.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every read endpoint, bind/unbind, the simulated line, readings and the event stream, and their bad inputs. */
final class RestApiTest extends WebTestBase {

    @Test
    void overviewNamesPlatformVersionAndUptime() throws Exception {
        Http.Response r = http.get("/kdrv/api/overview");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.headers().get("content-type").startsWith("application/json"), r.headers().toString());
        assertTrue(r.body().contains("\"platform\":\"mock\""), r.body());
        assertTrue(r.body().contains("\"boardModel\":\"simulated board (mock)\""), r.body());
        assertTrue(r.body().matches("(?s).*\"kdrvVersion\":\"0\\.1\\.0[^\"]*\".*"), r.body());
        assertTrue(r.body().matches("(?s).*\"uptimeMs\":\\d+.*"), r.body());
    }

    @Test
    void listsDevicesDriversDeferredKthreadsAndLines() throws Exception {
        Http.Response devices = http.get("/kdrv/api/devices");
        assertEquals(200, devices.status());
        assertTrue(devices.body().contains("{\"name\":\"" + KEYS + "\",\"compatible\":[\"gpio-keys\"],\"state\":\"BOUND\""),
                devices.body());
        Http.Response one = http.get("/kdrv/api/devices/" + KEYS);
        assertTrue(one.body().startsWith("{\"name\":\"" + KEYS + "\""), one.body());
        Http.Response drivers = http.get("/kdrv/api/drivers");
        assertTrue(drivers.body().contains("\"devices\":[\"" + KEYS + "\"]"), drivers.body());
        createNode("it-web-waiting", "compatible", new String[] {"kdrv,nothing-matches"});
        awaitState("it-web-waiting", DeviceState.UNBOUND);
        assertEquals(200, http.get("/kdrv/api/deferred").status());
        Http.Response kthreads = http.get("/kdrv/api/kthreads");
        assertTrue(kthreads.body().contains("\"name\":\"irq/" + KEY_LINE + "-" + KEYS + "\""), kthreads.body());
        Http.Response gpio = http.get("/kdrv/api/gpio");
        assertTrue(gpio.body().contains("{\"line\":" + KEY_LINE + ",\"direction\":\"in\",\"owner\":\"" + KEYS + "\""),
                gpio.body());
        assertTrue(gpio.body().contains("\"simulated\":true"), gpio.body());
    }

    @Test
    void unknownNamesAndEndpointsAre404() throws Exception {
        Http.Response r = http.get("/kdrv/api/devices/no-such-dev");
        assertEquals(404, r.status());
        assertEquals("{\"error\":\"unknown device 'no-such-dev'\"}", r.body());
        assertEquals(404, http.postJson("/kdrv/api/devices/no-such-dev/unbind", null).status());
        assertTrue(http.get("/kdrv/api/nothing").body().contains("no such endpoint"));
        assertEquals(405, http.postJson("/kdrv/api/overview", null).status());
        assertEquals(404, http.get("/kdrv/no-such-page.html").status());
        Http.Response wrongDriver = http.postJson("/kdrv/api/devices/" + KEYS + "/bind", "{\"driver\":\"nope/x\"}");
        assertEquals(404, wrongDriver.status(), wrongDriver.body());
        assertEquals("{\"error\":\"unknown driver 'nope/x'\"}", wrongDriver.body());
        assertKeysUntouched();
    }

    @Test
    void unbindAndBindChangeState() throws Exception {
        Http.Response un = http.postJson("/kdrv/api/devices/" + KEYS + "/unbind", null);
        assertEquals(200, un.status(), un.body());
        assertTrue(un.body().contains("\"state\":\"UNBOUND\""), un.body());
        assertEquals(404, http.postJson("/kdrv/api/devices/" + KEYS + "/bind", "{\"driver\":\"nope/x\"}").status());
        String ledsDriver = manager.drivers().stream().filter(d -> d.compatible().contains("gpio-leds"))
                .findFirst().orElseThrow().id();
        Http.Response mismatch = http.postJson("/kdrv/api/devices/" + KEYS + "/bind",
                "{\"driver\":\"" + ledsDriver + "\"}");
        assertEquals(409, mismatch.status(), mismatch.body());
        assertTrue(mismatch.body().contains(KEYS), "names the device: " + mismatch.body());
        assertEquals(DeviceState.UNBOUND, manager.device(KEYS).orElseThrow().state());
        Http.Response bind = http.postJson("/kdrv/api/devices/" + KEYS + "/bind", "{}");
        assertEquals(200, bind.status(), bind.body());
        assertTrue(bind.body().contains("\"state\":\"BOUND\""), bind.body());
        assertEquals(409, http.postJson("/kdrv/api/devices/" + KEYS + "/bind", null).status(), "already bound");
    }

    @Test
    void malformedJsonAndWrongContentTypeAreRefused() throws Exception {
        Http.Response bad = http.postJson("/kdrv/api/devices/" + KEYS + "/bind", "{\"driver\": ");
        assertEquals(400, bad.status(), bad.body());
        assertTrue(bad.body().startsWith("{\"error\":\"malformed JSON at offset"), bad.body());
        assertEquals(400, http.postJson("/kdrv/api/devices/" + KEYS + "/bind", "[1,2]").status());
        assertEquals(400, http.postJson("/kdrv/api/undeploy", "{\"bundle\":1}").status());
        Http.Response form = http.send("POST", "/kdrv/api/devices/" + KEYS + "/unbind",
                "application/x-www-form-urlencoded", "a=b".getBytes(StandardCharsets.UTF_8));
        assertEquals(415, form.status(), form.body());
        assertEquals(400, http.get("/kdrv/api/events/recent?topic=kdrv/*/x").status(), "bad topic filter");
        assertKeysUntouched();
    }

    @Test
    void simulatedPressShowsInLinesReadingsEventsAndStream() throws Exception {
        try (Socket sse = new Socket()) {
            sse.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), http.port()), 10_000);
            sse.setSoTimeout(10_000);
            OutputStream out = sse.getOutputStream();
            out.write(("GET /kdrv/api/events?topic=kdrv/input/* HTTP/1.1\r\nHost: " + http.hostHeader()
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(sse.getInputStream(), StandardCharsets.UTF_8));
            assertTrue(in.readLine().contains(" 200 "), "event stream opened");
            // wait for the stream's first bytes ("retry:") so the subscription exists before the press
            String line;
            while ((line = in.readLine()) != null && !line.contains("retry:")) {
                // headers and chunk sizes
            }
            Http.Response press = http.postJson("/kdrv/api/gpio/" + KEY_LINE + "/simulate", "{\"pulse-ms\":30}");
            assertEquals(200, press.status(), press.body());
            String data = null;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("data: ") && line.contains("\"topic\":\"kdrv/input/KEY\"")) {
                    data = line;
                    break;
                }
            }
            assertTrue(data != null && data.contains("\"device\":\"" + KEYS + "\""), "stream event: " + data);
        }
        Await.until("edges counted", () -> {
            try {
                return http.get("/kdrv/api/gpio").body().matches("(?s).*\"line\":" + KEY_LINE
                        + ",[^}]*\"edges\":[1-9].*");
            } catch (java.io.IOException e) {
                return false;
            }
        });
        assertTrue(http.get("/kdrv/api/events/recent?topic=kdrv/input/KEY").body().contains("\"device\":\"" + KEYS),
                "recent events");
        Http.Response readings = http.get("/kdrv/api/readings");
        assertTrue(readings.body().contains("\"device\":\"" + KEYS + "\""), readings.body());
        assertTrue(readings.body().contains("\"pressed\":{\"value\":"), readings.body());
        Http.Response history = http.get("/kdrv/api/readings/history?device=" + KEYS);
        assertTrue(history.body().contains("\"pressed\":{"), history.body());
        Http.Response gpio = http.get("/kdrv/api/gpio");
        assertTrue(gpio.body().matches("(?s).*\"line\":" + KEY_LINE + ",[^}]*\"latency\":\\[\\d.*"), gpio.body());
        assertEquals(409, http.postJson("/kdrv/api/gpio/999/simulate", "{\"level\":1}").status(), "no such line");
        assertEquals(400, http.postJson("/kdrv/api/gpio/x/simulate", "{\"level\":1}").status());
        assertKeysUntouched();
    }
}
