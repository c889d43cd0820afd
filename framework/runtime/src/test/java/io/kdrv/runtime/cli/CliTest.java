package io.kdrv.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliTest {
    @Test
    void protocolFieldsRoundTrip() {
        List<String> fields = List.of("exec", "kdrv:bind", "a b\tc", "new\nline", "back\\slash", "");
        String line = Protocol.encode(fields);
        assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, line);
        assertEquals(fields, Protocol.decode(line.substring(0, line.length() - 1)));
    }

    @Test
    void badArgumentsGetOneLineAndExitCode2WithoutConnecting() {
        assertEquals("kdrv unbind: expects DEVICE (see kdrv devices), got 0 argument(s)", stderrOf("unbind"));
        assertEquals("kdrv bind: expects DEVICE [DRIVER] (see kdrv devices, kdrv drivers), got 3 argument(s)",
                stderrOf("bind", "a", "b", "c"));
        assertEquals("kdrv ps: takes no arguments", stderrOf("ps", "x"));
        assertEquals("kdrv gpio: expects list, set LINE 0|1 or pulse LINE", stderrOf("gpio"));
        assertEquals("kdrv gpio set: expects LINE 0|1, got 1 argument(s)", stderrOf("gpio", "set", "17"));
        assertEquals("kdrv deploy: no such file: /nonexistent/x.jar", stderrOf("deploy", "/nonexistent/x.jar"));
        assertEquals("kdrv events: takes no arguments", stderrOf("events", "now"));
    }

    @Test
    void anUnreachableKdrvIsNamed() {
        String err = stderrOf("-s", "/nonexistent/kdrv.sock", "ps");
        assertTrue(err.startsWith("kdrv: cannot reach kdrv at /nonexistent/kdrv.sock: "), err);
    }

    private static String stderrOf(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, Kdrv.run(args));
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8).strip();
    }
}
