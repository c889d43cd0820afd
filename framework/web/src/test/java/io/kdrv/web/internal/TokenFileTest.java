package io.kdrv.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
    @TempDir
    Path dir;

    @Test
    void generatedOnceStoredOwnerOnlyAndReused() throws Exception {
        Path file = dir.resolve("web/access-token");
        String first = WebSettings.loadOrCreate(file);
        assertTrue(first.matches("[A-Za-z0-9_-]{32}"), first);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(first, WebSettings.loadOrCreate(file), "kept across restarts");
        assertTrue(!first.equals(WebSettings.loadOrCreate(dir.resolve("other"))), "random per installation");
    }
}
