package io.kdrv.web.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceState;
import io.kdrv.testing.await.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.Configuration;

/**
 * POST /kdrv/api/deploy into a FileInstall-watched directory: bad uploads are refused with the right status and
 * leave the directory and the bound device alone; a driver bundle is installed, binds its device, and undeploy
 * removes it again.
 */
final class DeployTest extends WebTestBase {
    static final String DRIVER_BSN = "kdrv-itest-driver";
    static final long LIMIT = 200_000;
    private Path deploy;
    private Configuration fileInstall;

    @BeforeEach
    void watchedDirectory() throws Exception {
        deploy = FrameworkUtil.getBundle(DeployTest.class).getDataFile("deploy").toPath().toAbsolutePath();
        Files.createDirectories(deploy);
        Hashtable<String, Object> fi = new Hashtable<>();
        fi.put("felix.fileinstall.dir", deploy.toString());
        fi.put("felix.fileinstall.poll", "100");
        fi.put("felix.fileinstall.noInitialDelay", "true");
        fi.put("felix.fileinstall.start.new.bundles", "true");
        fi.put("felix.fileinstall.enableConfigSave", "false");
        fi.put("felix.fileinstall.log.level", "3");
        fileInstall = cm.createFactoryConfiguration("org.apache.felix.fileinstall", "?");
        fileInstall.update(fi);
        configureWeb(Map.of("deploy.dir", deploy.toString(), "upload.max.bytes", LIMIT));
        Await.until("console uses " + deploy, () -> {
            try {
                return http.get("/kdrv/api/deploy").body().contains("\"directory\":\"" + deploy + "\"");
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterEach
    void unwatch() throws Exception {
        try (var files = Files.list(deploy)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Await.until("deployed driver uninstalled", () -> bundle(DRIVER_BSN) == null);
        fileInstall.delete();
        cm.getConfiguration("kdrv.web", "?").delete();
    }

    private Bundle bundle(String bsn) {
        return Arrays.stream(context.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).findFirst().orElse(null);
    }

    private Http.Response upload(byte[] jar) throws IOException {
        return http.send("POST", "/kdrv/api/deploy", "application/java-archive", jar);
    }

    static byte[] jar(String bsn, int padding) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (bsn != null) {
            mf.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
            mf.getMainAttributes().putValue("Bundle-SymbolicName", bsn);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream j = new JarOutputStream(out, mf)) {
            ZipEntry e = new ZipEntry("data.bin");
            e.setMethod(ZipEntry.STORED);
            byte[] data = new byte[padding];
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(data);
            e.setSize(padding);
            e.setCrc(crc.getValue());
            j.putNextEntry(e);
            j.write(data);
        }
        return out.toByteArray();
    }

    private byte[] driverJar() throws IOException {
        try (InputStream in = FrameworkUtil.getBundle(DeployTest.class).getEntry("/upload/driver.jar").openStream()) {
            return in.readAllBytes();
        }
    }

    private void assertNothingDeployed() throws IOException {
        try (var files = Files.list(deploy)) {
            assertEquals(java.util.List.of(), files.toList(), "deploy directory untouched");
        }
        assertKeysUntouched();
    }

    @Test
    void badUploadsAreRefusedAndTouchNothing() throws Exception {
        Http.Response text = upload("this is not a jar".getBytes());
        assertEquals(400, text.status(), text.body());
        assertTrue(text.body().contains("not a valid jar"), text.body());
        Http.Response noBsn = upload(jar(null, 10));
        assertEquals(400, noBsn.status());
        assertEquals("{\"error\":\"not a bundle: META-INF/MANIFEST.MF has no Bundle-SymbolicName\"}", noBsn.body());
        byte[] driver = driverJar();
        Http.Response truncated = upload(Arrays.copyOf(driver, driver.length / 2));
        assertEquals(400, truncated.status(), truncated.body());
        assertTrue(truncated.body().contains("not a valid jar (truncated"), truncated.body());
        Http.Response huge = upload(jar("it.huge", (int) LIMIT + 1000));
        assertEquals(413, huge.status(), huge.body());
        assertTrue(huge.body().contains("larger than " + LIMIT + " bytes"), huge.body());
        Http.Response streamed = http.send("POST", "/kdrv/api/deploy", "application/java-archive",
                jar("it.huge", (int) LIMIT + 1000), "Transfer-Encoding", "chunked");
        assertEquals(413, streamed.status(), "no Content-Length: cut off while reading: " + streamed.body());
        Http.Response form = http.send("POST", "/kdrv/api/deploy", "text/plain", driver);
        assertEquals(415, form.status(), form.body());
        Http.Response empty = upload(new byte[0]);
        assertEquals(400, empty.status(), empty.body());
        Http.Response clash = upload(jar("kdrv-web", 10));
        assertEquals(409, clash.status(), clash.body());
        assertTrue(clash.body().contains("bundle kdrv-web is already installed from"), clash.body());
        assertEquals(404, http.postJson("/kdrv/api/undeploy", "{\"bundle\":\"no.such.bundle\"}").status());
        assertEquals(409, http.postJson("/kdrv/api/undeploy", "{\"bundle\":\"kdrv-web\"}").status(),
                "a bundle not deployed by the console is not removed");
        assertEquals(Bundle.ACTIVE, bundle("kdrv-web").getState());
        assertNothingDeployed();
        assertEquals(200, http.get("/kdrv/api/overview").status(), "runtime still serving");
    }

    @Test
    void deployBindsItsDeviceAndUndeployRemovesIt() throws Exception {
        createNode("it-web-up", "compatible", new String[] {"kdrv,test-driver"});
        awaitState("it-web-up", DeviceState.UNBOUND);
        Http.Response r = upload(driverJar());
        assertEquals(202, r.status(), r.body());
        assertTrue(r.body().startsWith("{\"bundle\":\"" + DRIVER_BSN + "\",\"version\":\"0.1.0"), r.body());
        assertTrue(Files.exists(deploy.resolve(DRIVER_BSN + ".jar")));
        awaitState("it-web-up", DeviceState.BOUND);
        Http.Response list = http.get("/kdrv/api/deploy");
        assertTrue(list.body().contains("{\"file\":\"" + DRIVER_BSN + ".jar\",\"bundle\":\"" + DRIVER_BSN + "\""),
                list.body());
        assertTrue(list.body().contains("\"state\":\"ACTIVE\""), list.body());
        Http.Response again = upload(driverJar());
        assertEquals(202, again.status(), "redeploying the same bundle replaces its file: " + again.body());
        Http.Response un = http.postJson("/kdrv/api/undeploy", "{\"bundle\":\"" + DRIVER_BSN + "\"}");
        assertEquals(200, un.status(), un.body());
        assertFalse(Files.exists(deploy.resolve(DRIVER_BSN + ".jar")));
        Await.until("driver uninstalled", () -> bundle(DRIVER_BSN) == null);
        awaitState("it-web-up", DeviceState.UNBOUND);
        assertEquals(404, http.send("DELETE", "/kdrv/api/deploy/" + DRIVER_BSN, null, null).status());
        assertKeysUntouched();
    }
}
