package io.kdrv.board.linux.internal;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The Linux uAPI structures and ioctl numbers of {@code <linux/gpio.h>} (v2) and {@code <linux/i2c-dev.h>} /
 * {@code <linux/i2c.h>}, as {@link MemoryLayout}s. Field offsets are what the headers give on every Linux ABI the
 * project targets (the GPIO v2 structs are padded to be ABI-independent; the I2C ones contain pointers and are laid
 * out with the platform's pointer size).
 */
public final class Uapi {
    private Uapi() {
    }

    // ------------------------------------------------------------------------------------------ ioctl encoding

    private static final int IOC_NRBITS = 8, IOC_TYPEBITS = 8, IOC_SIZEBITS = 14;
    private static final int IOC_NRSHIFT = 0;
    private static final int IOC_TYPESHIFT = IOC_NRSHIFT + IOC_NRBITS;
    private static final int IOC_SIZESHIFT = IOC_TYPESHIFT + IOC_TYPEBITS;
    private static final int IOC_DIRSHIFT = IOC_SIZESHIFT + IOC_SIZEBITS;
    static final int IOC_WRITE = 1, IOC_READ = 2;

    /** {@code _IOC(dir, type, nr, size)} as in asm-generic/ioctl.h (x86, arm, arm64). */
    static long ioc(int dir, int type, int nr, long size) {
        if (size < 0 || size >= 1 << IOC_SIZEBITS) {
            throw new IllegalArgumentException("ioctl argument size " + size + " does not fit _IOC");
        }
        return ((long) dir << IOC_DIRSHIFT | (long) type << IOC_TYPESHIFT | (long) nr << IOC_NRSHIFT
                | size << IOC_SIZESHIFT) & 0xFFFF_FFFFL;
    }

    static long ior(int type, int nr, MemoryLayout layout) {
        return ioc(IOC_READ, type, nr, layout.byteSize());
    }

    static long iowr(int type, int nr, MemoryLayout layout) {
        return ioc(IOC_READ | IOC_WRITE, type, nr, layout.byteSize());
    }

    // ------------------------------------------------------------------------------------------ GPIO v2

    public static final int GPIO_MAX_NAME_SIZE = 32;
    public static final int GPIO_V2_LINES_MAX = 64;
    public static final int GPIO_V2_LINE_NUM_ATTRS_MAX = 10;

    public static final long FLAG_USED = 1L;
    public static final long FLAG_ACTIVE_LOW = 1L << 1;
    public static final long FLAG_INPUT = 1L << 2;
    public static final long FLAG_OUTPUT = 1L << 3;
    public static final long FLAG_EDGE_RISING = 1L << 4;
    public static final long FLAG_EDGE_FALLING = 1L << 5;
    public static final long FLAG_OPEN_DRAIN = 1L << 6;
    public static final long FLAG_OPEN_SOURCE = 1L << 7;
    public static final long FLAG_BIAS_PULL_UP = 1L << 8;
    public static final long FLAG_BIAS_PULL_DOWN = 1L << 9;
    public static final long FLAG_BIAS_DISABLED = 1L << 10;
    public static final long FLAG_EVENT_CLOCK_REALTIME = 1L << 11;

    public static final int ATTR_ID_FLAGS = 1;
    public static final int ATTR_ID_OUTPUT_VALUES = 2;
    public static final int ATTR_ID_DEBOUNCE = 3;

    public static final int EVENT_RISING_EDGE = 1;
    public static final int EVENT_FALLING_EDGE = 2;

    public static final StructLayout GPIOCHIP_INFO = structLayout(
            sequenceLayout(GPIO_MAX_NAME_SIZE, JAVA_BYTE).withName("name"),
            sequenceLayout(GPIO_MAX_NAME_SIZE, JAVA_BYTE).withName("label"),
            JAVA_INT.withName("lines")).withName("gpiochip_info");

    /** {@code struct gpio_v2_line_attribute}: id, padding, then a u64 union (flags / values / debounce_period_us). */
    public static final StructLayout LINE_ATTRIBUTE = structLayout(
            JAVA_INT.withName("id"),
            JAVA_INT.withName("padding"),
            JAVA_LONG.withName("value")).withName("gpio_v2_line_attribute");

    public static final StructLayout LINE_CONFIG_ATTRIBUTE = structLayout(
            LINE_ATTRIBUTE.withName("attr"),
            JAVA_LONG.withName("mask")).withName("gpio_v2_line_config_attribute");

    public static final StructLayout LINE_CONFIG = structLayout(
            JAVA_LONG.withName("flags"),
            JAVA_INT.withName("num_attrs"),
            sequenceLayout(5, JAVA_INT).withName("padding"),
            sequenceLayout(GPIO_V2_LINE_NUM_ATTRS_MAX, LINE_CONFIG_ATTRIBUTE).withName("attrs"))
            .withName("gpio_v2_line_config");

    public static final StructLayout LINE_REQUEST = structLayout(
            sequenceLayout(GPIO_V2_LINES_MAX, JAVA_INT).withName("offsets"),
            sequenceLayout(GPIO_MAX_NAME_SIZE, JAVA_BYTE).withName("consumer"),
            LINE_CONFIG.withName("config"),
            JAVA_INT.withName("num_lines"),
            JAVA_INT.withName("event_buffer_size"),
            sequenceLayout(5, JAVA_INT).withName("padding"),
            JAVA_INT.withName("fd")).withName("gpio_v2_line_request");

    public static final StructLayout LINE_INFO = structLayout(
            sequenceLayout(GPIO_MAX_NAME_SIZE, JAVA_BYTE).withName("name"),
            sequenceLayout(GPIO_MAX_NAME_SIZE, JAVA_BYTE).withName("consumer"),
            JAVA_INT.withName("offset"),
            JAVA_INT.withName("num_attrs"),
            JAVA_LONG.withName("flags"),
            sequenceLayout(GPIO_V2_LINE_NUM_ATTRS_MAX, LINE_ATTRIBUTE).withName("attrs"),
            sequenceLayout(4, JAVA_INT).withName("padding")).withName("gpio_v2_line_info");

    public static final StructLayout LINE_VALUES = structLayout(
            JAVA_LONG.withName("bits"),
            JAVA_LONG.withName("mask")).withName("gpio_v2_line_values");

    public static final StructLayout LINE_EVENT = structLayout(
            JAVA_LONG.withName("timestamp_ns"),
            JAVA_INT.withName("id"),
            JAVA_INT.withName("offset"),
            JAVA_INT.withName("seqno"),
            JAVA_INT.withName("line_seqno"),
            sequenceLayout(6, JAVA_INT).withName("padding")).withName("gpio_v2_line_event");

    public static final long GPIO_GET_CHIPINFO_IOCTL = ior(0xB4, 0x01, GPIOCHIP_INFO);
    public static final long GPIO_V2_GET_LINEINFO_IOCTL = iowr(0xB4, 0x05, LINE_INFO);
    public static final long GPIO_V2_GET_LINE_IOCTL = iowr(0xB4, 0x07, LINE_REQUEST);
    public static final long GPIO_V2_LINE_SET_CONFIG_IOCTL = iowr(0xB4, 0x0D, LINE_CONFIG);
    public static final long GPIO_V2_LINE_GET_VALUES_IOCTL = iowr(0xB4, 0x0E, LINE_VALUES);
    public static final long GPIO_V2_LINE_SET_VALUES_IOCTL = iowr(0xB4, 0x0F, LINE_VALUES);

    public static final long CHIPINFO_LABEL = offset(GPIOCHIP_INFO, "label");
    public static final long CHIPINFO_LINES = offset(GPIOCHIP_INFO, "lines");
    public static final long REQ_CONSUMER = offset(LINE_REQUEST, "consumer");
    public static final long REQ_CONFIG = offset(LINE_REQUEST, "config");
    public static final long REQ_NUM_LINES = offset(LINE_REQUEST, "num_lines");
    public static final long REQ_EVENT_BUFFER_SIZE = offset(LINE_REQUEST, "event_buffer_size");
    public static final long REQ_FD = offset(LINE_REQUEST, "fd");
    public static final long CFG_NUM_ATTRS = offset(LINE_CONFIG, "num_attrs");
    public static final long CFG_ATTRS = offset(LINE_CONFIG, "attrs");
    public static final long INFO_CONSUMER = offset(LINE_INFO, "consumer");
    public static final long INFO_OFFSET = offset(LINE_INFO, "offset");
    public static final long INFO_NUM_ATTRS = offset(LINE_INFO, "num_attrs");
    public static final long INFO_FLAGS = offset(LINE_INFO, "flags");
    public static final long INFO_ATTRS = offset(LINE_INFO, "attrs");
    public static final long EVENT_ID = offset(LINE_EVENT, "id");
    public static final long EVENT_OFFSET = offset(LINE_EVENT, "offset");
    public static final long EVENT_SEQNO = offset(LINE_EVENT, "seqno");
    public static final long EVENT_LINE_SEQNO = offset(LINE_EVENT, "line_seqno");

    private static long offset(MemoryLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    /**
     * Encodes a line configuration for one line into a {@code gpio_v2_line_config} at {@code cfg} (zeroed first):
     * the flags go in {@code flags}; an output value and a debounce period each become an attribute whose mask
     * is bit 0 (the request's first and only line).
     *
     * @param outputValue 0 or 1 for an output's initial value, -1 for none
     * @param debounceUs  0 for none
     */
    public static void encodeConfig(MemorySegment cfg, long flags, int outputValue, int debounceUs) {
        cfg.asSlice(0, LINE_CONFIG.byteSize()).fill((byte) 0);
        cfg.set(JAVA_LONG, 0, flags);
        int n = 0;
        if (outputValue >= 0) {
            putAttr(cfg, n++, ATTR_ID_OUTPUT_VALUES, outputValue & 1);
        }
        if (debounceUs > 0) {
            putAttr(cfg, n++, ATTR_ID_DEBOUNCE, debounceUs & 0xFFFF_FFFFL);
        }
        cfg.set(JAVA_INT, CFG_NUM_ATTRS, n);
    }

    private static void putAttr(MemorySegment cfg, int index, int id, long value) {
        long base = CFG_ATTRS + index * LINE_CONFIG_ATTRIBUTE.byteSize();
        cfg.set(JAVA_INT, base, id);
        if (id == ATTR_ID_DEBOUNCE) {
            cfg.set(JAVA_INT, base + 8, (int) value); // the union's u32 member sits at its start on any endianness
        } else {
            cfg.set(JAVA_LONG, base + 8, value);
        }
        cfg.set(JAVA_LONG, base + 16, 1L);     // mask: line 0 of the request
    }

    /** Reads attribute {@code index} of a {@code gpio_v2_line_info}: {id, value}. Debounce is the u32 at the union. */
    public static long[] infoAttribute(MemorySegment info, int index) {
        long base = INFO_ATTRS + index * LINE_ATTRIBUTE.byteSize();
        int id = info.get(JAVA_INT, base);
        long value = id == ATTR_ID_DEBOUNCE ? info.get(JAVA_INT, base + 8) & 0xFFFF_FFFFL : info.get(JAVA_LONG, base + 8);
        return new long[] {id, value};
    }

    /** A NUL-terminated C string inside a fixed-size char array. */
    public static String cString(MemorySegment seg, long offset, int size) {
        byte[] bytes = seg.asSlice(offset, size).toArray(JAVA_BYTE);
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    /** Writes {@code s} as a NUL-terminated string into a {@code size}-byte char array, cut to fit. */
    public static void putCString(MemorySegment seg, long offset, int size, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(bytes.length, size - 1);
        MemorySegment dst = seg.asSlice(offset, size);
        dst.fill((byte) 0);
        MemorySegment.copy(bytes, 0, dst, JAVA_BYTE, 0, n);
    }

    // ------------------------------------------------------------------------------------------ I2C

    public static final long I2C_SLAVE = 0x0703;
    public static final long I2C_FUNCS = 0x0705;
    public static final long I2C_RDWR = 0x0707;
    public static final long I2C_SMBUS = 0x0720;

    public static final int I2C_M_RD = 0x0001;
    public static final long I2C_FUNC_I2C = 0x00000001L;
    public static final long I2C_FUNC_SMBUS_READ_BYTE = 0x00020000L;
    public static final long I2C_FUNC_SMBUS_WRITE_BYTE = 0x00040000L;
    public static final long I2C_FUNC_SMBUS_READ_BYTE_DATA = 0x00080000L;
    public static final long I2C_FUNC_SMBUS_WRITE_BYTE_DATA = 0x00100000L;
    public static final long I2C_FUNC_SMBUS_READ_WORD_DATA = 0x00200000L;
    public static final long I2C_FUNC_SMBUS_WRITE_WORD_DATA = 0x00400000L;
    public static final long I2C_FUNC_SMBUS_PROC_CALL = 0x00800000L;
    public static final long I2C_FUNC_SMBUS_READ_I2C_BLOCK = 0x04000000L;
    public static final long I2C_FUNC_SMBUS_WRITE_I2C_BLOCK = 0x08000000L;

    public static final byte I2C_SMBUS_WRITE = 0;
    public static final byte I2C_SMBUS_READ = 1;
    public static final int I2C_SMBUS_BYTE = 1;
    public static final int I2C_SMBUS_BYTE_DATA = 2;
    public static final int I2C_SMBUS_WORD_DATA = 3;
    public static final int I2C_SMBUS_PROC_CALL = 4;
    public static final int I2C_SMBUS_I2C_BLOCK_DATA = 8;
    public static final int I2C_SMBUS_BLOCK_MAX = 32;

    private static long pad(long offset, long align) {
        return (align - offset % align) % align;
    }

    /** {@code struct i2c_msg { __u16 addr, flags, len; __u8 *buf; }}: 16 bytes on 64-bit, 12 on 32-bit. */
    public static final StructLayout I2C_MSG = structLayout(
            JAVA_SHORT.withName("addr"),
            JAVA_SHORT.withName("flags"),
            JAVA_SHORT.withName("len"),
            paddingLayout(pad(6, ADDRESS.byteAlignment())),
            ADDRESS.withName("buf")).withName("i2c_msg");

    /** {@code struct i2c_rdwr_ioctl_data { struct i2c_msg *msgs; __u32 nmsgs; }}. */
    public static final StructLayout I2C_RDWR_IOCTL_DATA = ADDRESS.byteSize() == 8
            ? structLayout(ADDRESS.withName("msgs"), JAVA_INT.withName("nmsgs"), paddingLayout(4))
            .withName("i2c_rdwr_ioctl_data")
            : structLayout(ADDRESS.withName("msgs"), JAVA_INT.withName("nmsgs")).withName("i2c_rdwr_ioctl_data");

    /** {@code struct i2c_smbus_ioctl_data { __u8 read_write; __u8 command; __u32 size; union i2c_smbus_data *data; }}. */
    public static final StructLayout I2C_SMBUS_IOCTL_DATA = structLayout(
            JAVA_BYTE.withName("read_write"),
            JAVA_BYTE.withName("command"),
            paddingLayout(2),
            JAVA_INT.withName("size"), // ends at 8: aligned for 4- and 8-byte pointers alike
            ADDRESS.withName("data")).withName("i2c_smbus_ioctl_data");

    /** {@code union i2c_smbus_data}: byte, word or block[I2C_SMBUS_BLOCK_MAX + 2] (length first). */
    public static final long I2C_SMBUS_DATA_SIZE = I2C_SMBUS_BLOCK_MAX + 2;

    public static final long MSG_ADDR = offset(I2C_MSG, "addr");
    public static final long MSG_FLAGS = offset(I2C_MSG, "flags");
    public static final long MSG_LEN = offset(I2C_MSG, "len");
    public static final long MSG_BUF = offset(I2C_MSG, "buf");
    public static final long SMBUS_READ_WRITE = offset(I2C_SMBUS_IOCTL_DATA, "read_write");
    public static final long SMBUS_COMMAND = offset(I2C_SMBUS_IOCTL_DATA, "command");
    public static final long SMBUS_SIZE = offset(I2C_SMBUS_IOCTL_DATA, "size");
    public static final long SMBUS_DATA = offset(I2C_SMBUS_IOCTL_DATA, "data");

    /** {@code struct pollfd { int fd; short events; short revents; }}. */
    public static final StructLayout POLLFD = structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents")).withName("pollfd");
}
