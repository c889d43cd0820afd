package io.kdrv.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ControlSocketTest {
    @Test
    void gogoCoercionErrorsBecomeOneLineNamingTheCommand() {
        assertEquals("kdrv: unbind: wrong arguments: got no arguments, expected one of (String) (kdrv help unbind)",
                ControlSocket.oneLine("kdrv:unbind",
                        new IllegalArgumentException("Cannot coerce unbind() to any of [(String)]")));
        assertEquals("kdrv: bind: wrong arguments: got arguments (a, b, c), expected one of (String), "
                        + "(String, String) (kdrv help bind)",
                ControlSocket.oneLine("kdrv:bind a b c", new IllegalArgumentException(
                        "Cannot coerce bind(a, b, c) to any of [(String), (String, String)]")));
        assertEquals("kdrv: no such command: foo (kdrv help lists them)",
                ControlSocket.oneLine("foo", new IllegalArgumentException("Command not found: foo")));
        assertEquals("kdrv: kdrv:unbind: unknown device \"x\"", ControlSocket.oneLine("kdrv:unbind x",
                new IllegalArgumentException("unknown device \"x\"")));
    }

    @Test
    void argumentsBecomeGogoLiterals() {
        assertEquals(List.of("kdrv:bind", "leds", "'a b'", "'$x'", "'it\\'s'"),
                ControlSocket.quoteAll(List.of("kdrv:bind", "leds", "a b", "$x", "it's")));
    }
}
