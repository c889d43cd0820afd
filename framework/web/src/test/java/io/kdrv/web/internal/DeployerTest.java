package io.kdrv.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployerTest {
    @TempDir
    Path dir;

    static byte[] jar(String bsn) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (bsn != null) {
            mf.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
            mf.getMainAttributes().putValue("Bundle-SymbolicName", bsn);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream j = new JarOutputStream(out, mf)) {
            j.putNextEntry(new ZipEntry("a/data.txt"));
            j.write("x".repeat(5000).getBytes());
        }
        return out.toByteArray();
    }

    private ApiException refused(byte[] content) throws IOException {
        Path f = Files.write(dir.resolve("upload.jar"), content);
        return assertThrows(ApiException.class, () -> Deployer.validate(f));
    }

    @Test
    void acceptsABundle() throws IOException {
        Path f = Files.write(dir.resolve("ok.jar"), jar("my.driver;singleton:=true"));
        assertEquals("my.driver;singleton:=true", Deployer.validate(f).getMainAttributes().getValue("Bundle-SymbolicName"));
    }

    @Test
    void refusesNonBundlesAndBrokenJars() throws IOException {
        ApiException e = refused(jar(null));
        assertEquals(400, e.status());
        assertEquals("not a bundle: META-INF/MANIFEST.MF has no Bundle-SymbolicName", e.getMessage());
        e = refused("hello, not a zip".getBytes());
        assertTrue(e.getMessage().startsWith("not a valid jar"), e.getMessage());
        byte[] good = jar("my.driver");
        e = refused(Arrays.copyOf(good, good.length - 30));
        assertTrue(e.getMessage().startsWith("not a valid jar (truncated"), e.getMessage());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new ZipEntry("x.txt"));
        }
        assertEquals("not a bundle: the jar has no META-INF/MANIFEST.MF", refused(out.toByteArray()).getMessage());
    }
}
