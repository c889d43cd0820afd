package io.kdrv.board.linux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Layouts and ioctl numbers against the kernel headers and the values measured in the VM (REAL-KERNEL.md). */
class UapiTest {
    private static long off(MemoryLayout l, String f) {
        return l.byteOffset(MemoryLayout.PathElement.groupElement(f));
    }

    @Test
    void gpioStructSizesMatchTheHeaders() {
        assertEquals(68, Uapi.GPIOCHIP_INFO.byteSize());
        assertEquals(16, Uapi.LINE_ATTRIBUTE.byteSize());
        assertEquals(24, Uapi.LINE_CONFIG_ATTRIBUTE.byteSize());
        assertEquals(272, Uapi.LINE_CONFIG.byteSize());
        assertEquals(592, Uapi.LINE_REQUEST.byteSize());
        assertEquals(256, Uapi.LINE_INFO.byteSize());
        assertEquals(16, Uapi.LINE_VALUES.byteSize());
        assertEquals(48, Uapi.LINE_EVENT.byteSize());
        assertEquals(8, Uapi.POLLFD.byteSize());
    }

    @Test
    void gpioFieldOffsetsMatchTheHeaders() {
        assertEquals(32, Uapi.CHIPINFO_LABEL);
        assertEquals(64, Uapi.CHIPINFO_LINES);
        assertEquals(256, Uapi.REQ_CONSUMER);
        assertEquals(288, Uapi.REQ_CONFIG);
        assertEquals(560, Uapi.REQ_NUM_LINES);
        assertEquals(564, Uapi.REQ_EVENT_BUFFER_SIZE);
        assertEquals(588, Uapi.REQ_FD);
        assertEquals(8, Uapi.CFG_NUM_ATTRS);
        assertEquals(32, Uapi.CFG_ATTRS);
        assertEquals(32, Uapi.INFO_CONSUMER);
        assertEquals(64, Uapi.INFO_OFFSET);
        assertEquals(68, Uapi.INFO_NUM_ATTRS);
        assertEquals(72, Uapi.INFO_FLAGS);
        assertEquals(80, Uapi.INFO_ATTRS);
        assertEquals(8, Uapi.EVENT_ID);
        assertEquals(12, Uapi.EVENT_OFFSET);
        assertEquals(16, Uapi.EVENT_SEQNO);
        assertEquals(20, Uapi.EVENT_LINE_SEQNO);
        assertEquals(8, off(Uapi.LINE_ATTRIBUTE, "value"));
        assertEquals(16, off(Uapi.LINE_CONFIG_ATTRIBUTE, "mask"));
    }

    @Test
    void i2cStructsFollowThePointerSize() {
        long ptr = ValueLayout.ADDRESS.byteSize();
        assertEquals(ptr == 8 ? 16 : 12, Uapi.I2C_MSG.byteSize());
        assertEquals(8, Uapi.MSG_BUF); // 6 bytes of u16, padded to the pointer alignment (4 or 8)
        assertEquals(4, Uapi.MSG_LEN);
        assertEquals(ptr == 8 ? 16 : 8, Uapi.I2C_RDWR_IOCTL_DATA.byteSize());
        assertEquals(ptr == 8 ? 16 : 12, Uapi.I2C_SMBUS_IOCTL_DATA.byteSize());
        assertEquals(1, Uapi.SMBUS_COMMAND);
        assertEquals(4, Uapi.SMBUS_SIZE);
        assertEquals(8, Uapi.SMBUS_DATA);
    }

    @Test
    void ioctlNumbersAreTheMeasuredOnes() {
        // REAL-KERNEL.md, measured in the VM
        assertEquals(0x8044B401L, Uapi.GPIO_GET_CHIPINFO_IOCTL);
        assertEquals(0xC100B405L, Uapi.GPIO_V2_GET_LINEINFO_IOCTL);
        assertEquals(0xC250B407L, Uapi.GPIO_V2_GET_LINE_IOCTL);
        assertEquals(0x0703, Uapi.I2C_SLAVE);
        assertEquals(0x0705, Uapi.I2C_FUNCS);
        assertEquals(0x0707, Uapi.I2C_RDWR);
        assertEquals(0x0720, Uapi.I2C_SMBUS);
        // the same _IOWR encoding for the line-request ioctls
        assertEquals(0xC110B40DL, Uapi.GPIO_V2_LINE_SET_CONFIG_IOCTL);
        assertEquals(0xC010B40EL, Uapi.GPIO_V2_LINE_GET_VALUES_IOCTL);
        assertEquals(0xC010B40FL, Uapi.GPIO_V2_LINE_SET_VALUES_IOCTL);
    }

    @Test
    void iocRejectsSizesThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> Uapi.ioc(Uapi.IOC_READ, 0xB4, 1, 1 << 14));
    }

    @Test
    void configEncodingPutsOutputValueAndDebounceIntoAttributesForLineZero() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cfg = arena.allocate(Uapi.LINE_CONFIG);
            cfg.fill((byte) 0x5A); // garbage that the encoder must clear
            Uapi.encodeConfig(cfg, Uapi.FLAG_OUTPUT | Uapi.FLAG_OPEN_DRAIN, 1, 5000);
            assertEquals(Uapi.FLAG_OUTPUT | Uapi.FLAG_OPEN_DRAIN, cfg.get(ValueLayout.JAVA_LONG, 0));
            assertEquals(2, cfg.get(ValueLayout.JAVA_INT, Uapi.CFG_NUM_ATTRS));
            long a0 = Uapi.CFG_ATTRS;
            assertEquals(Uapi.ATTR_ID_OUTPUT_VALUES, cfg.get(ValueLayout.JAVA_INT, a0));
            assertEquals(1L, cfg.get(ValueLayout.JAVA_LONG, a0 + 8));
            assertEquals(1L, cfg.get(ValueLayout.JAVA_LONG, a0 + 16));
            long a1 = a0 + 24;
            assertEquals(Uapi.ATTR_ID_DEBOUNCE, cfg.get(ValueLayout.JAVA_INT, a1));
            assertEquals(5000, cfg.get(ValueLayout.JAVA_INT, a1 + 8));
            assertEquals(1L, cfg.get(ValueLayout.JAVA_LONG, a1 + 16));
            assertEquals(0, cfg.get(ValueLayout.JAVA_INT, a0 + 48)); // third attribute untouched (zero)
            assertEquals(0, cfg.get(ValueLayout.JAVA_INT, 12));      // padding zeroed

            Uapi.encodeConfig(cfg, Uapi.FLAG_INPUT, -1, 0);
            assertEquals(0, cfg.get(ValueLayout.JAVA_INT, Uapi.CFG_NUM_ATTRS));
            assertEquals(0, cfg.get(ValueLayout.JAVA_INT, a0));
        }
    }

    @Test
    void cStringsAreCutAndTerminated() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(32);
            Uapi.putCString(s, 0, 32, "x".repeat(40));
            assertEquals("x".repeat(31), Uapi.cString(s, 0, 32));
            assertEquals(0, s.get(ValueLayout.JAVA_BYTE, 31));
            Uapi.putCString(s, 0, 32, "gpio-keys");
            assertEquals("gpio-keys", Uapi.cString(s, 0, 32));
        }
    }

    @Test
    void errnoNamesAndHints() {
        assertEquals("EBUSY", Errno.name(-16));
        assertEquals("ENXIO (no device answered at this address (NACK))", Errno.describe(-6));
        assertEquals("EREMOTEIO (the device did not acknowledge (NACK))", Errno.describe(121));
        assertEquals("errno 200", Errno.name(200));
    }
}
