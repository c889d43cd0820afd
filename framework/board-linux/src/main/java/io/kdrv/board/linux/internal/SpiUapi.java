package io.kdrv.board.linux.internal;

import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * The spidev uAPI of {@code <linux/spi/spidev.h>}: ioctl numbers and {@code struct spi_ioc_transfer}. The struct
 * holds its buffer pointers in {@code __u64}s, so its layout is the same for 32- and 64-bit user space (the header
 * says so): 32 bytes, no padding to compute.
 */
public final class SpiUapi {
    private SpiUapi() {
    }

    static final int SPI_IOC_MAGIC = 'k';

    /** {@code _IOW(SPI_IOC_MAGIC, 1, __u8)}: set SPI mode 0..3. */
    public static final long SPI_IOC_WR_MODE = Uapi.ioc(Uapi.IOC_WRITE, SPI_IOC_MAGIC, 1, 1);
    /** {@code _IOR(SPI_IOC_MAGIC, 1, __u8)}. */
    public static final long SPI_IOC_RD_MODE = Uapi.ioc(Uapi.IOC_READ, SPI_IOC_MAGIC, 1, 1);
    /** {@code _IOW(SPI_IOC_MAGIC, 3, __u8)}: word length in bits. */
    public static final long SPI_IOC_WR_BITS_PER_WORD = Uapi.ioc(Uapi.IOC_WRITE, SPI_IOC_MAGIC, 3, 1);
    /** {@code _IOW(SPI_IOC_MAGIC, 4, __u32)}: default max clock in Hz. */
    public static final long SPI_IOC_WR_MAX_SPEED_HZ = Uapi.ioc(Uapi.IOC_WRITE, SPI_IOC_MAGIC, 4, 4);
    /** {@code _IOR(SPI_IOC_MAGIC, 4, __u32)}. */
    public static final long SPI_IOC_RD_MAX_SPEED_HZ = Uapi.ioc(Uapi.IOC_READ, SPI_IOC_MAGIC, 4, 4);

    /** {@code struct spi_ioc_transfer}. */
    public static final StructLayout SPI_IOC_TRANSFER = structLayout(
            JAVA_LONG.withName("tx_buf"),
            JAVA_LONG.withName("rx_buf"),
            JAVA_INT.withName("len"),
            JAVA_INT.withName("speed_hz"),
            JAVA_SHORT.withName("delay_usecs"),
            JAVA_BYTE.withName("bits_per_word"),
            JAVA_BYTE.withName("cs_change"),
            JAVA_BYTE.withName("tx_nbits"),
            JAVA_BYTE.withName("rx_nbits"),
            JAVA_BYTE.withName("word_delay_usecs"),
            JAVA_BYTE.withName("pad"));

    static final long TX_BUF = offset("tx_buf");
    static final long RX_BUF = offset("rx_buf");
    static final long LEN = offset("len");
    static final long SPEED_HZ = offset("speed_hz");
    static final long DELAY_USECS = offset("delay_usecs");
    static final long BITS_PER_WORD = offset("bits_per_word");
    static final long CS_CHANGE = offset("cs_change");

    private static long offset(String field) {
        return SPI_IOC_TRANSFER.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    /**
     * {@code SPI_IOC_MESSAGE(n)}: {@code _IOW(SPI_IOC_MAGIC, 0, char[SPI_MSGSIZE(n)])}, where {@code SPI_MSGSIZE} is 0
     * when {@code n} transfers do not fit the 14-bit size field (the kernel then rejects the ioctl).
     */
    public static long spiIocMessage(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("SPI_IOC_MESSAGE needs at least one transfer, got " + n);
        }
        long size = n * SPI_IOC_TRANSFER.byteSize();
        return Uapi.ioc(Uapi.IOC_WRITE, SPI_IOC_MAGIC, 0, size < 1 << 14 ? size : 0);
    }

    /**
     * Fills transfer {@code index} of {@code xfers} (zeroing it first, as the header asks): {@code len} bytes
     * full duplex from {@code tx} into {@code rx} (either may be {@link MemorySegment#NULL}: zeros are shifted out,
     * or what comes back is dropped), at {@code speedHz} with {@code bitsPerWord}, chip select held to the end of
     * the message ({@code cs_change} 0).
     */
    static void encode(MemorySegment xfers, int index, MemorySegment tx, MemorySegment rx, int len, int speedHz,
            int bitsPerWord) {
        long base = index * SPI_IOC_TRANSFER.byteSize();
        xfers.asSlice(base, SPI_IOC_TRANSFER.byteSize()).fill((byte) 0);
        xfers.set(JAVA_LONG, base + TX_BUF, tx.address());
        xfers.set(JAVA_LONG, base + RX_BUF, rx.address());
        xfers.set(JAVA_INT, base + LEN, len);
        xfers.set(JAVA_INT, base + SPEED_HZ, speedHz);
        xfers.set(JAVA_BYTE, base + BITS_PER_WORD, (byte) bitsPerWord);
    }
}
