package io.kdrv.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.runtime.internal.DeployCheck.Kind;
import io.kdrv.runtime.internal.DeployCheck.Verdict;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of bad deploy/ drop gets its own verdict and a problem that says what is wrong. */
@Timeout(30)
class DeployCheckTest {
    @TempDir
    Path dir;

    private final DeployCheck check = new DeployCheck(100_000, 1_000);

    static Path bundle(Path file, String... headers) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        for (int i = 0; i < headers.length; i += 2) {
            m.getMainAttributes().putValue(headers[i], headers[i + 1]);
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.putNextEntry(new ZipEntry("x/Y.txt"));
            jar.write("y".getBytes());
        }
        return file;
    }

    private Verdict verdict(String name, String content) throws IOException {
        return check.check(Files.writeString(dir.resolve(name), content));
    }

    @Test
    void aGoodBundleHasItsNameAndVersion() throws IOException {
        Verdict v = check.check(bundle(dir.resolve("ok.jar"), "Bundle-ManifestVersion", "2",
                "Bundle-SymbolicName", "test.ok;singleton:=true", "Bundle-Version", "1.2.3",
                "Import-Package", "org.osgi.framework;version=\"[1.8,2)\",org.slf4j;version=\"2.0\""));
        assertEquals(new Verdict(Kind.BUNDLE, null, "test.ok", org.osgi.framework.Version.parseVersion("1.2.3")), v);
    }

    @Test
    void unusableJarsAreNamedButNotClaimed() throws IOException {
        Path full = bundle(dir.resolve("full.jar"), "Bundle-SymbolicName", "t");
        byte[] bytes = Files.readAllBytes(full);
        Files.write(dir.resolve("trunc.jar"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertProblem(Kind.UNUSABLE, "empty file", verdict("zero.jar", ""));
        assertProblem(Kind.UNUSABLE, "not a jar", verdict("text.jar", "hello"));
        assertProblem(Kind.UNUSABLE, "truncated", check.check(dir.resolve("trunc.jar")));
        assertProblem(Kind.UNUSABLE, "no Bundle-SymbolicName", check.check(bundle(dir.resolve("plain.jar"))));
        Path noManifest = dir.resolve("nomf.jar");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(noManifest))) {
            z.putNextEntry(new ZipEntry("a.txt"));
        }
        assertProblem(Kind.UNUSABLE, "without META-INF/MANIFEST.MF", check.check(noManifest));
        assertProblem(Kind.UNUSABLE, "FileInstall takes bundles", verdict("board.json", "{}"));
        assertEquals(Kind.GONE, check.check(dir.resolve("missing.jar")).kind());
    }

    @Test
    void badHeadersAreRefusedWithTheHeaderNamed() throws IOException {
        assertProblem(Kind.REFUSED, "Bundle-Version \"1.x\"",
                check.check(bundle(dir.resolve("v.jar"), "Bundle-SymbolicName", "t", "Bundle-Version", "1.x")));
        assertProblem(Kind.REFUSED, "Bundle-ManifestVersion \"3\"", check.check(bundle(dir.resolve("mv.jar"),
                "Bundle-SymbolicName", "t", "Bundle-ManifestVersion", "3")));
        assertProblem(Kind.REFUSED, "Import-Package version=\"[1,\"", check.check(bundle(dir.resolve("i.jar"),
                "Bundle-SymbolicName", "t", "Import-Package", "foo;version=\"[1,\"")));
        assertProblem(Kind.REFUSED, "Export-Package version=\"abc\"", check.check(bundle(dir.resolve("e.jar"),
                "Bundle-SymbolicName", "t", "Export-Package", "foo;version=abc")));
        assertProblem(Kind.REFUSED, "not a symbolic name",
                check.check(bundle(dir.resolve("n.jar"), "Bundle-SymbolicName", "a b")));
        assertProblem(Kind.REFUSED, "unbalanced quote", check.check(bundle(dir.resolve("q.jar"),
                "Bundle-SymbolicName", "t", "Import-Package", "foo;version=\"1")));
    }

    @Test
    void sizeLimitsAreCheckedBeforeReading() throws IOException {
        Path big = dir.resolve("big.bin");
        try (var f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(100_001); // sparse: a file that would take long to read
        }
        assertProblem(Kind.REFUSED, "100001 bytes is over the limit of 100000 bytes (kdrv.deploy.max.bytes)",
                check.check(big));
        assertProblem(Kind.REFUSED, "(kdrv.deploy.config.max.bytes); not read",
                verdict("kdrv.device-x.config", "name=\"x\"\n".repeat(200)));
        List<String> problems = new ArrayList<>();
        assertEquals(7, DeployCheck.limit("-1", "k", 7, problems));
        assertEquals(List.of("k=-1 is not a positive byte count; using 7"), problems);
        assertEquals(5, DeployCheck.limit(" 5 ", "k", 7, problems));
    }

    @Test
    void onlyKdrvPidsAreAccepted() throws IOException {
        assertProblem(Kind.REFUSED, "factory configuration of org.apache.felix.fileinstall refused",
                verdict("org.apache.felix.fileinstall-evil.config", "felix.fileinstall.dir=\"/tmp\"\n"));
        assertProblem(Kind.REFUSED, "configuration of PID org.apache.felix.http refused",
                verdict("org.apache.felix.http.cfg", "org.osgi.service.http.port=80\n"));
        assertProblem(Kind.REFUSED, "factory configuration of kdrv.core refused", verdict("kdrv.core-x.cfg", ""));
        assertProblem(Kind.REFUSED, "PID kdrv.device refused", verdict("kdrv.device.cfg", ""));
        assertEquals(Kind.CONFIG, verdict("kdrv.device-led0.config",
                "name=\"led0\"\ncompatible=[\"gpio-leds\"]\ngpios=I[\"18\", \"23\"]\n").kind());
        assertEquals(Kind.CONFIG, verdict("kdrv.core.cfg", "remove.timeout.ms=5000\n").kind());
    }

    @Test
    void aMistypedValueNamesItsKey() throws IOException {
        assertProblem(Kind.REFUSED, "key gpios: value I[\"abc\"] is not a valid typed value",
                verdict("kdrv.device-x1.config", "name=\"x1\"\ngpios=I[\"abc\"]\ncompatible=[\"gpio-leds\"]\n"));
        assertProblem(Kind.REFUSED, "key reg: value I\"0x76\"",
                verdict("kdrv.device-x2.config", "# a comment\nname=\"x2\"\nreg=I\"0x76\"\n"));
        assertProblem(Kind.REFUSED, "key codes:", verdict("kdrv.device-x3.config",
                "name=\"x3\"\ncodes=I[ \\\n  \"28\", \\\n  \"one\" ]\n"));
        assertNull(DeployCheck.typedValueProblem(Files.writeString(dir.resolve("ok.config"),
                "name=\"x4\"\ncodes=I[ \\\n  \"28\", \\\n  \"1\" ]\n")));
    }

    private static void assertProblem(Kind kind, String fragment, Verdict v) {
        assertEquals(kind, v.kind(), String.valueOf(v));
        assertTrue(v.problem() != null && v.problem().contains(fragment), "problem lacks \"" + fragment + "\": " + v);
    }
}
