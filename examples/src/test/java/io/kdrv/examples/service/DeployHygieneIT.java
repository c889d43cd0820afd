package io.kdrv.examples.service;

import io.kdrv.examples.DemoBoardFile;
import static io.kdrv.examples.service.KdrvProcess.BOOT;
import static io.kdrv.examples.service.KdrvProcess.DEMO_JAR;
import static io.kdrv.examples.service.KdrvProcess.EXIT;
import static io.kdrv.examples.service.KdrvProcess.JAVA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/ of the shipped demo jar under bad drops: each bad file gets exactly one line naming it and the problem,
 * a fixed file installs, a copy of kdrv-core is refused and deleting it leaves the core alone, a FileInstall
 * watcher configuration and a mistyped value are refused, size limits hold, and the devices keep working.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DeployHygieneIT {
    static final String[] DEVICES = DemoBoardFile.devices().toArray(String[]::new);

    @TempDir
    Path dir;

    @Test
    void badDropsAreNamedOnceRefusedOrRetriedAndTheDevicesKeepWorking() throws Exception {
        Path evil = Files.createDirectories(dir.resolve("evil"));
        bundle(evil.resolve("evil.jar"), "test.evil");
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive",
                "-Dkdrv.deploy.max.bytes=2000000")) {
            p.awaitBound(DEVICES);
            Path deploy = dir.resolve("kdrv-state/deploy");
            Map<String, String> expected = new TreeMap<>(); // file -> the problem its one line must name
            drop(deploy, "zero.jar", new byte[0]);
            expected.put("zero.jar", "empty file (0 bytes)");
            drop(deploy, "notajar.jar", "hello\n".getBytes(StandardCharsets.UTF_8));
            expected.put("notajar.jar", "not a jar, or truncated");
            byte[] core = coreBundle();
            drop(deploy, "trunc.jar", Arrays.copyOf(core, core.length / 3));
            expected.put("trunc.jar", "not a jar, or truncated");
            drop(deploy, "plain.jar", jar(new Manifest()));
            expected.put("plain.jar", "no Bundle-SymbolicName header");
            drop(deploy, "badheader.jar", jar(manifest("test.bad", "Bundle-Version", "1.x")));
            expected.put("badheader.jar", "bad manifest header: Bundle-Version \"1.x\"");
            drop(deploy, "core-copy.jar", core);
            expected.put("core-copy.jar", "a second copy of kdrv-core");
            drop(deploy, "org.apache.felix.fileinstall-evil.config",
                    ("felix.fileinstall.dir=\"" + evil + "\"\n").getBytes(StandardCharsets.UTF_8));
            expected.put("org.apache.felix.fileinstall-evil.config",
                    "factory configuration of org.apache.felix.fileinstall refused");
            drop(deploy, "kdrv.device-x1.config",
                    "name=\"x1\"\ncompatible=[\"gpio-leds\"]\ngpios=I[\"abc\"]\n".getBytes(StandardCharsets.UTF_8));
            expected.put("kdrv.device-x1.config", "key gpios: value I[\"abc\"] is not a valid typed value");
            Path big = deploy.resolve(".big.part");
            try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
                f.setLength(3_000_000); // sparse
            }
            Files.move(big, deploy.resolve("big.bin"), StandardCopyOption.ATOMIC_MOVE);
            expected.put("big.bin", "3000000 bytes is over the limit of 2000000 bytes (kdrv.deploy.max.bytes); "
                    + "not read");
            for (var e : expected.entrySet()) {
                p.await("ERROR DeployGuard - deploy/ file " + Pattern.quote(deploy.resolve(e.getKey()).toString())
                        + ": " + Pattern.quote(e.getValue()), BOOT);
            }
            // two more FileInstall scans (1 s poll): still one line per file, nothing else said about them
            for (String marker : new String[] {"marker1", "marker2"}) {
                drop(deploy, marker + ".jar", jar(manifest("test." + marker)));
                p.await("Started bundle: \\S+/" + marker + "\\.jar", BOOT);
            }
            String out = p.output();
            for (String f : expected.keySet()) {
                String path = deploy.resolve(f).toString();
                assertEquals(1, count(out, path), "lines naming " + f + ":\n" + out);
            }
            assertFalse(out.contains("Failed to install artifact"), out);

            // values that parse but are wrong reach kdrv, which names the key and keeps working
            drop(deploy, "kdrv.core.cfg", "probe.timeout.ms=abc\n".getBytes(StandardCharsets.UTF_8));
            p.await("ERROR DriverManagerComponent - kdrv core: configuration kdrv.core key 'probe.timeout.ms': .*"
                    + "keeping 30000 ms", BOOT);
            drop(deploy, "kdrv.device-x2.config",
                    "name=\"x2\"\ncompatible=[\"gpio-leds\"]\ngpios=\"abc\"\n".getBytes(StandardCharsets.UTF_8));
            p.await("ERROR .*device x2: .*'gpios'", BOOT);

            // a fixed file is installed; deleting the refused core copy leaves kdrv-core alone
            drop(deploy, "zero.jar", jar(manifest("test.fixed")));
            p.await("Installing bundle test.fixed", BOOT);
            Files.delete(deploy.resolve("core-copy.jar"));
            Files.delete(deploy.resolve("marker1.jar"));
            p.await("Uninstalling bundle \\d+ \\(test.marker1\\)", BOOT); // FileInstall has seen the deletions
            p.signal("TERM");
            assertEquals(0, p.awaitExit(EXIT), p.output());
            out = p.output();
            assertTrue(out.contains(ServiceStopIT.DEMO_REMOVED), out);
            assertTrue(out.contains(ServiceStopIT.OFF), out);
            assertFalse(out.contains("(kdrv-core)"), "kdrv-core must not be touched by FileInstall:\n" + out);
            assertFalse(out.contains("test.evil") || out.contains("device x1"), out);
            assertFalse(out.contains("device x2: bound"), out);
        }
    }

    private static int count(String out, String s) {
        int n = 0;
        for (int i = out.indexOf(s); i >= 0; i = out.indexOf(s, i + 1)) {
            n++;
        }
        return n;
    }

    /** Writes next to the target under a dot name (FileInstall skips those), then moves it in in one step. */
    static void drop(Path deploy, String name, byte[] content) throws IOException {
        Path tmp = deploy.resolve("." + name + ".part");
        Files.write(tmp, content);
        Files.move(tmp, deploy.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static Manifest manifest(String bsn, String... more) {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        m.getMainAttributes().putValue("Bundle-SymbolicName", bsn);
        for (int i = 0; i < more.length; i += 2) {
            m.getMainAttributes().putValue(more[i], more[i + 1]);
        }
        return m;
    }

    static byte[] jar(Manifest m) throws IOException {
        if (m.getMainAttributes().isEmpty()) {
            m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        }
        var b = new java.io.ByteArrayOutputStream();
        try (JarOutputStream j = new JarOutputStream(b, m)) {
            j.putNextEntry(new ZipEntry("readme.txt"));
            j.write("x".getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    static void bundle(Path file, String bsn) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(jar(manifest(bsn)));
        }
    }

    /** kdrv-core as the demo jar carries it. */
    static byte[] coreBundle() throws IOException {
        try (JarFile jar = new JarFile(DEMO_JAR.toFile())) {
            var entry = jar.stream().filter(e -> e.getName().matches("jar/kdrv-core-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no kdrv-core in " + DEMO_JAR));
            try (InputStream in = jar.getInputStream(entry)) {
                return in.readAllBytes();
            }
        }
    }
}
