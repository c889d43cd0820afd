package io.kdrv.drivers.ds18b20.internal;

import io.kdrv.driver.W1Slave;
import io.kdrv.drivers.ds18b20.Ds18b20Scratchpad;
import io.kdrv.kthread.Kthread;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The DS18B20's function commands over a {@link W1Slave}: raw transactions (MATCH ROM is the bus's job) where the
 * board has them, else the kernel w1_therm driver's files ({@code w1_slave}, {@code resolution}), which do the
 * same commands in the kernel. Errors name the device and the w1 id.
 */
final class Ds18b20Io {
    static final int CONVERT_T = 0x44;
    static final int READ_SCRATCHPAD = 0xBE;
    static final int WRITE_SCRATCHPAD = 0x4E;
    static final int COPY_SCRATCHPAD = 0x48;
    /** Datasheet t<sub>WR</sub>: EEPROM write time, 10 ms max (2 ms typical). */
    static final Duration EEPROM_WRITE = Duration.ofMillis(10);

    private final String device;
    private final W1Slave slave;
    private final boolean raw;

    Ds18b20Io(String device, W1Slave slave) {
        this.device = device;
        this.slave = slave;
        this.raw = slave.supportsTransactions();
    }

    String where() {
        return "device " + device + " (DS18B20 " + slave.id() + " on " + slave.master() + ")";
    }

    /** @return whether commands go over raw transactions (false: through the kernel's w1_therm files) */
    boolean raw() {
        return raw;
    }

    private IOException wrap(IOException e) {
        return new IOException(where() + ": " + e.getMessage(), e);
    }

    /** CONVERT T (raw only; the kernel's w1_slave read converts by itself). */
    void convert() throws IOException {
        try {
            slave.transaction(new byte[] {(byte) CONVERT_T}, 0);
        } catch (IOException e) {
            throw wrap(e);
        }
    }

    /**
     * Waits for a conversion at {@code bits}: sleeps its maximum time (no busy-wait on read slots), returning early
     * when the calling kthread is stopped.
     *
     * @return false when stopped meanwhile
     */
    static boolean awaitConversion(int bits) {
        long left = Kthread.sleep(Duration.ofNanos(Ds18b20Scratchpad.conversionNanos(bits)));
        return left == 0 && !Kthread.shouldStop();
    }

    /** READ SCRATCHPAD, 9 bytes (raw), or the bytes of the kernel's {@code w1_slave} file (it converts first). */
    Ds18b20Scratchpad readScratchpad() throws IOException {
        try {
            if (raw) {
                return Ds18b20Scratchpad.of(slave.transaction(new byte[] {(byte) READ_SCRATCHPAD}, 9));
            }
            Optional<String> text = slave.readAttribute("w1_slave");
            if (text.isEmpty()) {
                throw new IOException("no rw file and no w1_slave file: neither raw transactions nor the kernel's "
                        + "w1_therm driver are available for this slave");
            }
            try {
                return Ds18b20Scratchpad.parseW1Slave(text.get());
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e);
            }
        } catch (IOException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(where()) ? e : wrap(e);
        }
    }

    /** WRITE SCRATCHPAD (T<sub>H</sub>, T<sub>L</sub>, config), or the kernel's {@code resolution} file. */
    void writeConfig(int alarmHigh, int alarmLow, int bits) throws IOException {
        try {
            if (raw) {
                slave.transaction(new byte[] {(byte) WRITE_SCRATCHPAD, (byte) alarmHigh, (byte) alarmLow,
                    (byte) Ds18b20Scratchpad.configFor(bits)}, 0);
            } else {
                slave.writeAttribute("resolution", bits + "\n");
            }
        } catch (IOException e) {
            throw wrap(e);
        }
    }

    /** COPY SCRATCHPAD to EEPROM and wait t<sub>WR</sub> (raw), or w1_therm's {@code eeprom_cmd} "save". */
    void saveConfig() throws IOException {
        try {
            if (raw) {
                slave.transaction(new byte[] {(byte) COPY_SCRATCHPAD}, 0);
                Kthread.sleep(EEPROM_WRITE);
            } else {
                slave.writeAttribute("eeprom_cmd", "save\n");
            }
        } catch (IOException e) {
            throw wrap(e);
        }
    }
}
