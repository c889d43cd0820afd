package io.kdrv.driver;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One slave on a 1-Wire bus, as {@link Device#w1()} hands it to a driver (Pi4J has no 1-Wire type). Two ways in,
 * depending on what the board offers:
 * <ul>
 *   <li>{@link #transaction}: reset, MATCH ROM of this slave, write the command bytes, read the answer (on Linux
 *       the slave's sysfs {@code rw} file; on the mock board the attached model);</li>
 *   <li>{@link #readAttribute} / {@link #writeAttribute}: the files a kernel family driver offers ready-made, e.g.
 *       {@code w1_slave}, {@code temperature}, {@code resolution} of {@code w1_therm}.</li>
 * </ul>
 *
 * <p>Ids are the kernel's sysfs names: two hex digits of family code, a dash and twelve hex digits of serial
 * number ({@code 28-00000abcdef0}), lower case. Thread-safe: each call is one bus transaction; concurrent calls are
 * serialised by the bus. After the device is removed the slave is released and every call throws
 * {@link IllegalStateException}.
 */
@ProviderType
public interface W1Slave {
    /** The valid form of an id ({@link #ID_PATTERN}): {@code ff-ssssssssssss}, hex. */
    Pattern ID_PATTERN = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{12}");

    /** @return the slave id, e.g. {@code 28-00000abcdef0} */
    String id();

    /** @return the family code, the id's first byte (0x28 for a DS18B20) */
    default int family() {
        return Integer.parseInt(id().substring(0, 2), 16);
    }

    /** @return the bus master the slave was found on (Linux: {@code w1_bus_master1}) */
    String master();

    /** @return whether {@link #transaction} works on this board for this slave */
    boolean supportsTransactions();

    /**
     * One bus transaction, blocking until it is done: reset pulse, MATCH ROM with this slave's ROM code, then
     * {@code write}, then {@code readLength} bytes read (read slots), returned. Not interruptible; bounded by the
     * bus (a 1-Wire byte takes about 0.6 ms).
     *
     * @throws IOException naming the slave and master when no slave answered the reset (absent) or the board's
     *                     transfer failed
     * @throws UnsupportedOperationException when {@link #supportsTransactions()} is false
     */
    byte[] transaction(byte[] write, int readLength) throws IOException;

    /**
     * Reads a ready-made file of the kernel's family driver (on Linux {@code <w1 devices>/<id>/<name>}, e.g.
     * {@code w1_slave}). May block for as long as the kernel's driver takes (w1_therm's {@code w1_slave} waits for a
     * conversion, up to 750 ms).
     *
     * @return the file's text, empty when this board or kernel does not offer {@code name} for this slave
     * @throws IOException naming the slave and file when the file exists but cannot be read (absent slave, EIO)
     */
    Optional<String> readAttribute(String name) throws IOException;

    /**
     * Writes a ready-made file of the kernel's family driver (e.g. {@code resolution}).
     *
     * @throws IOException naming the slave and file: the file is not there or the write failed
     */
    void writeAttribute(String name, String value) throws IOException;

    /**
     * Checks and normalises a 1-Wire id (upper case is accepted and lowered).
     *
     * @return the id in lower case
     * @throws IllegalArgumentException naming the bad id and the expected form
     */
    static String checkId(String id) {
        String s = id == null ? "" : id.strip().toLowerCase(Locale.ROOT);
        if (!ID_PATTERN.matcher(s).matches()) {
            throw new IllegalArgumentException("'" + id + "' is not a 1-Wire id: expected two hex digits of family "
                    + "code, '-', twelve hex digits of serial number, e.g. 28-00000abcdef0 (as in /sys/bus/w1/devices)");
        }
        return s;
    }

    /**
     * The 64-bit ROM code of {@code id} in bus order: family, serial number (least significant byte first), then the
     * Dallas/Maxim CRC-8 of those seven bytes.
     */
    static byte[] romCode(String id) {
        String s = checkId(id);
        byte[] rom = new byte[8];
        rom[0] = (byte) Integer.parseInt(s.substring(0, 2), 16);
        long serial = Long.parseLong(s.substring(3), 16);
        for (int i = 0; i < 6; i++) {
            rom[1 + i] = (byte) (serial >>> (8 * i));
        }
        rom[7] = (byte) crc8(rom, 0, 7);
        return rom;
    }

    /**
     * The Dallas/Maxim 1-Wire CRC-8 (polynomial x^8 + x^5 + x^4 + 1, reflected 0x8C, initial 0) of
     * {@code data[offset .. offset+length)}: over a scratchpad or ROM code including its CRC byte it is 0.
     */
    static int crc8(byte[] data, int offset, int length) {
        int crc = 0;
        for (int i = offset; i < offset + length; i++) {
            int b = data[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                int mix = (crc ^ b) & 1;
                crc >>>= 1;
                if (mix != 0) {
                    crc ^= 0x8C;
                }
                b >>>= 1;
            }
        }
        return crc;
    }
}
