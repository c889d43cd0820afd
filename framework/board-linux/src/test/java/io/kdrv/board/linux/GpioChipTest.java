package io.kdrv.board.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.board.BoardException;
import io.kdrv.board.linux.internal.Uapi;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What can be checked without a GPIO chip: errors, encoding of requests, decoding of line info. */
class GpioChipTest {
    @TempDir
    Path dir;

    @Test
    void aChipThatDoesNotExistIsNamedWithErrno() {
        BoardException e = assertThrows(BoardException.class, () -> GpioChip.open(Path.of("/dev/gpiochip97")));
        assertEquals("platform linux: ENOENT (no such file): cannot open GPIO chip /dev/gpiochip97", e.getMessage());
    }

    @Test
    void aFileThatIsNotAGpioChipIsRefusedByItsIoctl() {
        BoardException e = assertThrows(BoardException.class, () -> GpioChip.open("raspberrypi", Path.of("/dev/null")));
        assertEquals("platform raspberrypi: ENOTTY (not a GPIO/I2C character device (wrong ioctl for this file)): "
                + "/dev/null is not a GPIO character device (GPIO_GET_CHIPINFO_IOCTL failed)", e.getMessage());
    }

    @Test
    void chipsAreListedInNumericOrder() throws Exception {
        for (String n : List.of("gpiochip10", "gpiochip2", "gpiochip0", "gpiochipX", "i2c-1")) {
            Files.createFile(dir.resolve(n));
        }
        assertEquals(List.of(dir.resolve("gpiochip0"), dir.resolve("gpiochip2"), dir.resolve("gpiochip10")),
                GpioChip.list(dir));
        assertEquals(List.of(), GpioChip.list(dir.resolve("missing")));
    }

    @Test
    void aRequestEncodesOffsetConsumerFlagsAttributesAndBufferSize() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = arena.allocate(Uapi.LINE_REQUEST);
            LineConfig cfg = LineConfig.input().withBias(LineConfig.Bias.PULL_UP).withActiveLow(true)
                    .withEdge(LineConfig.EdgeDetect.BOTH).withDebounce(Duration.ofMillis(5)).withEventBufferSize(64);
            GpioChip.encodeRequest(req, 17, cfg, "button0 GPIO 17");
            assertEquals(17, req.get(ValueLayout.JAVA_INT, 0));
            assertEquals("button0 GPIO 17", Uapi.cString(req, Uapi.REQ_CONSUMER, 32));
            assertEquals(Uapi.FLAG_INPUT | Uapi.FLAG_BIAS_PULL_UP | Uapi.FLAG_ACTIVE_LOW | Uapi.FLAG_EDGE_RISING
                    | Uapi.FLAG_EDGE_FALLING, req.get(ValueLayout.JAVA_LONG, Uapi.REQ_CONFIG));
            assertEquals(1, req.get(ValueLayout.JAVA_INT, Uapi.REQ_CONFIG + Uapi.CFG_NUM_ATTRS));
            long attr = Uapi.REQ_CONFIG + Uapi.CFG_ATTRS;
            assertEquals(Uapi.ATTR_ID_DEBOUNCE, req.get(ValueLayout.JAVA_INT, attr));
            assertEquals(5000, req.get(ValueLayout.JAVA_INT, attr + 8));
            assertEquals(1, req.get(ValueLayout.JAVA_INT, Uapi.REQ_NUM_LINES));
            assertEquals(64, req.get(ValueLayout.JAVA_INT, Uapi.REQ_EVENT_BUFFER_SIZE));

            GpioChip.encodeRequest(req, 18, LineConfig.output(true).withDrive(LineConfig.Drive.OPEN_DRAIN), "led");
            assertEquals(Uapi.FLAG_OUTPUT | Uapi.FLAG_OPEN_DRAIN, req.get(ValueLayout.JAVA_LONG, Uapi.REQ_CONFIG));
            assertEquals(Uapi.ATTR_ID_OUTPUT_VALUES, req.get(ValueLayout.JAVA_INT, attr));
            assertEquals(1L, req.get(ValueLayout.JAVA_LONG, attr + 8));
            assertEquals(0, req.get(ValueLayout.JAVA_INT, Uapi.REQ_EVENT_BUFFER_SIZE));
        }
    }

    @Test
    void lineInfoIsDecodedFromFlagsAndAttributes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment li = arena.allocate(Uapi.LINE_INFO);
            Uapi.putCString(li, 0, 32, "GPIO17");
            Uapi.putCString(li, Uapi.INFO_CONSUMER, 32, "gpio-keys");
            li.set(ValueLayout.JAVA_INT, Uapi.INFO_OFFSET, 17);
            li.set(ValueLayout.JAVA_LONG, Uapi.INFO_FLAGS, Uapi.FLAG_USED | Uapi.FLAG_INPUT | Uapi.FLAG_BIAS_PULL_DOWN
                    | Uapi.FLAG_ACTIVE_LOW | Uapi.FLAG_EDGE_FALLING);
            li.set(ValueLayout.JAVA_INT, Uapi.INFO_NUM_ATTRS, 1);
            li.set(ValueLayout.JAVA_INT, Uapi.INFO_ATTRS, Uapi.ATTR_ID_DEBOUNCE);
            li.set(ValueLayout.JAVA_INT, Uapi.INFO_ATTRS + 8, 2500);
            GpioLineInfo info = GpioChip.decodeLineInfo(li);
            assertEquals(new GpioLineInfo(17, "GPIO17", "gpio-keys", true, LineConfig.Direction.INPUT,
                    LineConfig.Bias.PULL_DOWN, LineConfig.Drive.PUSH_PULL, true, LineConfig.EdgeDetect.FALLING,
                    Duration.ofMillis(2).plusNanos(500_000)), info);

            li.fill((byte) 0);
            li.set(ValueLayout.JAVA_LONG, Uapi.INFO_FLAGS, Uapi.FLAG_OUTPUT | Uapi.FLAG_OPEN_SOURCE);
            GpioLineInfo out = GpioChip.decodeLineInfo(li);
            assertFalse(out.used());
            assertEquals(LineConfig.Direction.OUTPUT, out.direction());
            assertEquals(LineConfig.Drive.OPEN_SOURCE, out.drive());
            assertEquals(LineConfig.Bias.AS_IS, out.bias());
            assertEquals(Duration.ZERO, out.debounce());
        }
    }

    @Test
    void lineConfigRefusesWhatTheKernelWould() {
        assertThrows(IllegalArgumentException.class,
                () -> LineConfig.output(false).withEdge(LineConfig.EdgeDetect.RISING));
        assertThrows(IllegalArgumentException.class,
                () -> LineConfig.output(false).withDebounce(Duration.ofMillis(1)));
        assertThrows(IllegalArgumentException.class, () -> LineConfig.input().withDrive(LineConfig.Drive.OPEN_DRAIN));
        assertThrows(IllegalArgumentException.class, () -> LineConfig.input().withDebounce(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> LineConfig.input().withEventBufferSize(-1));
        assertTrue(LineConfig.input().withBias(LineConfig.Bias.DISABLED).flags() == (Uapi.FLAG_INPUT
                | Uapi.FLAG_BIAS_DISABLED));
    }
}
