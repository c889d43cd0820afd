package io.kdrv.drivers.ds18b20.sim;

import io.kdrv.board.mock.W1Model;
import io.kdrv.driver.W1Slave;
import io.kdrv.kthread.Kthread;
import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * A {@link Ds18b20Model} as Linux shows it when the kernel's {@code w1_therm} driver owns the slave: no raw
 * transactions, only its files. Reading {@code w1_slave} converts, waits t<sub>CONV</sub> and reads the
 * scratchpad (the kernel blocks the reader meanwhile) and prints it the kernel's way
 * ({@code "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES"} then the bytes again and {@code t=23125});
 * {@code temperature} is the millidegrees; {@code resolution} reads and writes 9..12; {@code eeprom_cmd} takes
 * {@code save} and {@code restore}. An absent model fails like the kernel (EIO).
 */
public final class W1ThermFiles implements W1Model {
    private final Ds18b20Model chip;

    public W1ThermFiles(Ds18b20Model chip) {
        this.chip = chip;
    }

    /** @return the modelled chip */
    public Ds18b20Model chip() {
        return chip;
    }

    @Override
    public String id() {
        return chip.id();
    }

    @Override
    public boolean present() {
        return chip.present();
    }

    @Override
    public boolean supportsTransactions() {
        return false;
    }

    @Override
    public byte[] transaction(byte[] write, int readLength) {
        throw new UnsupportedOperationException("w1_therm owns " + id() + ": no rw file");
    }

    private byte[] convertAndRead() throws IOException {
        if (!chip.present()) {
            throw new IOException("Input/output error (w1_therm: " + id() + " does not answer)");
        }
        chip.transaction(new byte[] {0x44}, 0);
        Kthread.sleep(Duration.ofNanos(750_000_000L >> (12 - chip.resolution())));
        return chip.transaction(new byte[] {(byte) 0xBE}, 9);
    }

    @Override
    public Optional<String> attribute(String name) throws IOException {
        switch (name) {
            case "w1_slave" -> {
                byte[] b = convertAndRead();
                String hex = HexFormat.ofDelimiter(" ").formatHex(b);
                boolean ok = W1Slave.crc8(b, 0, 9) == 0;
                int milli = (short) ((b[1] & 0xFF) << 8 | b[0] & 0xFF) * 1000 / 16;
                return Optional.of(String.format(Locale.ROOT, "%s : crc=%02x %s%n%s t=%d%n", hex, b[8] & 0xFF,
                        ok ? "YES" : "NO", hex, milli));
            }
            case "temperature" -> {
                byte[] b = convertAndRead();
                return Optional.of((short) ((b[1] & 0xFF) << 8 | b[0] & 0xFF) * 1000 / 16 + "\n");
            }
            case "resolution" -> {
                return Optional.of(chip.resolution() + "\n");
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    @Override
    public void writeAttribute(String name, String value) throws IOException {
        String v = value.strip();
        switch (name) {
            case "resolution" -> {
                int bits;
                try {
                    bits = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new IOException("Invalid argument (w1_therm resolution '" + v + "')");
                }
                if (bits < 9 || bits > 12) {
                    throw new IOException("Invalid argument (w1_therm resolution " + bits + ")");
                }
                byte[] pad = chip.scratchpad();
                chip.transaction(new byte[] {0x4E, pad[2], pad[3], (byte) ((bits - 9) << 5 | 0x1F)}, 0);
            }
            case "eeprom_cmd" -> {
                switch (v) {
                    case "save" -> chip.transaction(new byte[] {0x48}, 0);
                    case "restore" -> chip.transaction(new byte[] {(byte) 0xB8}, 0);
                    default -> throw new IOException("Invalid argument (w1_therm eeprom_cmd '" + v + "')");
                }
            }
            default -> throw new IOException("no file " + name + " for " + id());
        }
    }
}
