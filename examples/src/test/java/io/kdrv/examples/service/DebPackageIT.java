package io.kdrv.examples.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb installed with dpkg into a throwaway root (its own passwd/group and dpkg database; maintainer scripts
 * run with DPKG_ROOT, --force-script-chrootless): files and modes, the kdrv user in gpio/i2c/spi, the state
 * directory, the conffile, the unit (systemd-analyze verify), then purge.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DebPackageIT {
    static final Path DEB = Path.of(System.getProperty("kdrv.deb", "target/kdrv_all.deb"));

    @TempDir
    Path dir;

    record Run(int code, String out) {
    }

    static Run run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " hung");
        return new Run(p.exitValue(), out);
    }

    static String ok(String... cmd) throws IOException, InterruptedException {
        Run r = run(cmd);
        assertEquals(0, r.code(), String.join(" ", cmd) + ":\n" + r.out());
        return r.out();
    }

    @Test
    void installsIntoAThrowawayRootAndPurges() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg")), "no dpkg here");
        assertTrue(Files.isRegularFile(DEB), "package missing: " + DEB.toAbsolutePath());
        String deb = DEB.toAbsolutePath().toString();
        assertEquals("kdrv\nall\n", ok("dpkg-deb", "--showformat=${Package}\\n${Architecture}\\n", "--show", deb)
                .replaceFirst("^kdrv\\t.*\\n", ""));
        assertEquals("/etc/kdrv/board.json", ok("dpkg-deb", "--info", deb, "conffiles").strip());
        // a Java update (files under /usr/lib/jvm) re-runs postinst "triggered", which re-creates the AOT cache
        assertTrue(ok("dpkg-deb", "--info", deb, "triggers").contains("interest-noawait /usr/lib/jvm"));
        String contents = ok("dpkg-deb", "--contents", deb);
        for (String line : List.of("-rw-r--r-- root/root .* ./usr/share/kdrv/kdrv.jar",
                "-rwxr-xr-x root/root .* ./usr/bin/kdrv", "-rw-r--r-- root/root .* ./lib/systemd/system/kdrv.service",
                "-rw-r--r-- root/root .* ./etc/kdrv/board.json", "drwx------ root/root .* ./var/lib/kdrv/",
                "-rw-r--r-- root/root .* ./usr/share/kdrv/jvm-options",
                "-rwxr-xr-x root/root .* ./usr/share/kdrv/kdrv-aot")) {
            assertTrue(contents.matches("(?s).*" + line.replace(".", "\\.").replace("\\.*", ".*") + "\\n.*"),
                    line + " in\n" + contents);
        }

        Path root = dir.resolve("root");
        for (String d : List.of("etc", "var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(root.resolve("etc/shadow"), "root:*:19000:0:99999:7:::\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\ngpio:x:997:pi\ni2c:x:998:pi\nspi:x:999:pi\n");
        Files.writeString(root.resolve("etc/gshadow"), "root:*::\ngpio:!::pi\ni2c:!::pi\nspi:!::pi\n");
        Files.writeString(root.resolve("var/lib/dpkg/status"), "");
        Files.writeString(root.resolve("var/lib/dpkg/available"), "");

        String r = root.toString();
        ok("dpkg", "--root=" + r, "--force-script-chrootless", "--log=/dev/null", "--install", deb);
        assertTrue(ok("dpkg", "--root=" + r, "--status", "kdrv").contains("Status: install ok installed"));
        for (String f : List.of("usr/share/kdrv/kdrv.jar", "usr/bin/kdrv", "lib/systemd/system/kdrv.service",
                "etc/kdrv/board.json")) {
            assertTrue(Files.isRegularFile(root.resolve(f)), f);
        }
        String passwd = Files.readString(root.resolve("etc/passwd"));
        assertTrue(passwd.matches("(?s).*\\nkdrv:x:(\\d+):(\\d+):kdrv device-driver service:/var/lib/kdrv:"
                + "/usr/sbin/nologin\\n.*"), passwd);
        String group = Files.readString(root.resolve("etc/group"));
        for (String g : List.of("gpio:x:997:pi,kdrv", "i2c:x:998:pi,kdrv", "spi:x:999:pi,kdrv")) {
            assertTrue(group.contains(g + "\n"), g + " in\n" + group);
        }
        String uid = passwd.replaceFirst("(?s).*\\nkdrv:x:(\\d+):.*", "$1");
        Path state = root.resolve("var/lib/kdrv");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
        assertEquals(uid, Files.getAttribute(state, "unix:uid").toString());

        if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            // against this host's systemd: unknown keys, bad values and missing sections are reported
            Run verify = run("systemd-analyze", "verify", root.resolve("lib/systemd/system/kdrv.service").toString());
            String problems = verify.out().lines()
                    .filter(l -> !l.contains("/usr/bin/java is not executable")) // a host without any java
                    .reduce("", (a, b) -> a + b + "\n");
            assertEquals("", problems, "systemd-analyze verify kdrv.service");
        }

        ok("dpkg", "--root=" + r, "--force-script-chrootless", "--log=/dev/null", "--purge", "kdrv");
        assertTrue(!Files.exists(state) && !Files.exists(root.resolve("usr/share/kdrv/kdrv.jar")), "purged");
    }

    static List<String> lines(String s) {
        return new ArrayList<>(s.lines().toList());
    }
}
