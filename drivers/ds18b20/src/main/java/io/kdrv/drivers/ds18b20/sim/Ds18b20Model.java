package io.kdrv.drivers.ds18b20.sim;

import io.kdrv.board.mock.W1Model;
import io.kdrv.driver.W1Slave;
import java.util.Arrays;

/**
 * A DS18B20 for the mock board ({@code MockBoard.attachW1}), after the Maxim datasheet (19-7487): function
 * commands CONVERT T (0x44), READ SCRATCHPAD (0xBE), WRITE SCRATCHPAD (0x4E), COPY SCRATCHPAD (0x48), RECALL E2
 * (0xB8) and READ POWER SUPPLY (0xB4) on a 9-byte scratchpad with its CRC-8 and an EEPROM for T<sub>H</sub>,
 * T<sub>L</sub> and the configuration register.
 *
 * <ul>
 *   <li>Power-up ({@link #powerCycle()}, and at construction): temperature register 85 °C (0x0550), reserved bytes
 *       0xFF 0x0C 0x10, T<sub>H</sub>/T<sub>L</sub>/config recalled from EEPROM (factory 75, 70, 0x7F = 12 bits).</li>
 *   <li>CONVERT T takes t<sub>CONV</sub> of the configured resolution (93.75, 187.5, 375, 750 ms). Read slots
 *       during it return 0, after it 1. The temperature register changes only when the conversion is complete, so a
 *       READ SCRATCHPAD that comes too early returns the previous value (counted: {@link #earlyReads()}).</li>
 *   <li>A conversion rounds {@link #setTemperature} to the nearest step of the resolution (1/16, 1/8, 1/4, 1/2 °C),
 *       clamped to -55..125 °C, and leaves the undefined low bits (1, 2 or 3 at 11, 10, 9 bits) set, as the
 *       datasheet allows: a driver must mask them.</li>
 *   <li>Config register: bits 6:5 (R1 R0) are writable, bits 4:0 read 1, bit 7 reads 0.</li>
 * </ul>
 * Faults: {@link #corruptCrc(int)} flips the CRC of the next reads, {@link #setPresent(boolean)} unplugs it (no
 * presence pulse), {@link #skipConversions(boolean)} keeps the power-on value (a brown-out in every conversion).
 * Thread-safe.
 */
public final class Ds18b20Model implements W1Model {
    private static final int CONVERT_T = 0x44;
    private static final int READ_SCRATCHPAD = 0xBE;
    private static final int WRITE_SCRATCHPAD = 0x4E;
    private static final int COPY_SCRATCHPAD = 0x48;
    private static final int RECALL_E2 = 0xB8;
    private static final int READ_POWER_SUPPLY = 0xB4;

    private final String id;
    private final byte[] pad = new byte[9];                // guarded by this
    private final byte[] eeprom = {0x4B, 0x46, 0x7F};      // TH, TL, config; guarded by this
    private double temperature = 20.0;                    // guarded by this
    private long conversionEnd;                            // nanoTime, 0: none running; guarded by this
    private int conversionBits;                            // guarded by this
    private double conversionTemperature;                  // sampled at the start; guarded by this
    private volatile boolean present = true;
    private int corruptReads;                              // guarded by this; Integer.MAX_VALUE = always
    private boolean skipConversions;                       // guarded by this
    private long conversions;                              // guarded by this
    private long earlyReads;                               // guarded by this
    private long scratchpadReads;                          // guarded by this
    private long configWrites;                             // guarded by this
    private long eepromCopies;                             // guarded by this
    private long unknownCommands;                          // guarded by this

    /** @param id the slave id, family 0x28 (e.g. {@code 28-00000abcdef0}) */
    public Ds18b20Model(String id) {
        this.id = W1Slave.checkId(id);
        if (!this.id.startsWith("28-")) {
            throw new IllegalArgumentException("a DS18B20 has family 0x28, not " + this.id);
        }
        powerCycle();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean present() {
        return present;
    }

    // ------------------------------------------------------------------------------------------ environment

    /** Sets the temperature the next conversion will measure. */
    public synchronized Ds18b20Model setTemperature(double celsius) {
        this.temperature = celsius;
        return this;
    }

    /** Unplugs ({@code false}) or plugs the sensor back in: an absent sensor gives no presence pulse. */
    public void setPresent(boolean present) {
        this.present = present;
    }

    /** Flips the CRC byte of the next {@code reads} READ SCRATCHPADs ({@link Integer#MAX_VALUE}: all of them). */
    public synchronized void corruptCrc(int reads) {
        this.corruptReads = reads;
    }

    /** While true, conversions run but never update the temperature register (it keeps 85 °C after power-up). */
    public synchronized void skipConversions(boolean skip) {
        this.skipConversions = skip;
    }

    /** Power-on reset: scratchpad to its power-up state, EEPROM recalled, a running conversion lost. */
    public synchronized void powerCycle() {
        pad[0] = 0x50;
        pad[1] = 0x05;
        pad[2] = eeprom[0];
        pad[3] = eeprom[1];
        pad[4] = eeprom[2];
        pad[5] = (byte) 0xFF;
        pad[6] = 0x0C;
        pad[7] = 0x10;
        conversionEnd = 0;
        updateCrc();
    }

    // ------------------------------------------------------------------------------------------ observation

    /** @return the configuration register (resolution in bits 6:5) */
    public synchronized int config() {
        return pad[4] & 0xFF;
    }

    /** @return the resolution the configuration register selects, 9..12 */
    public synchronized int resolution() {
        return 9 + ((pad[4] >> 5) & 3);
    }

    /** @return the EEPROM copy of T<sub>H</sub>, T<sub>L</sub>, config */
    public synchronized byte[] eeprom() {
        return eeprom.clone();
    }

    /** @return the scratchpad now (completing a finished conversion first) */
    public synchronized byte[] scratchpad() {
        finishConversion(System.nanoTime());
        return pad.clone();
    }

    public synchronized long conversions() {
        return conversions;
    }

    /** @return READ SCRATCHPADs while a conversion was still running (a driver that did not wait) */
    public synchronized long earlyReads() {
        return earlyReads;
    }

    public synchronized long scratchpadReads() {
        return scratchpadReads;
    }

    public synchronized long configWrites() {
        return configWrites;
    }

    public synchronized long eepromCopies() {
        return eepromCopies;
    }

    public synchronized long unknownCommands() {
        return unknownCommands;
    }

    // ------------------------------------------------------------------------------------------ bus

    @Override
    public synchronized byte[] transaction(byte[] write, int readLength) {
        long now = System.nanoTime();
        finishConversion(now);
        byte[] out = new byte[readLength];
        Arrays.fill(out, (byte) 0xFF); // nobody drives the read slots: the pull-up reads 1
        if (write.length == 0) {
            return out;
        }
        switch (write[0] & 0xFF) {
            case CONVERT_T -> {
                conversions++;
                conversionBits = 9 + ((pad[4] >> 5) & 3);
                conversionTemperature = temperature;
                conversionEnd = now + (750_000_000L >> (12 - conversionBits));
                Arrays.fill(out, (byte) 0x00); // read slots while converting: 0
            }
            case READ_SCRATCHPAD -> {
                scratchpadReads++;
                if (conversionEnd != 0) {
                    earlyReads++;
                }
                byte[] b = pad.clone();
                if (corruptReads > 0) {
                    b[8] ^= 0x5A;
                    if (corruptReads != Integer.MAX_VALUE) {
                        corruptReads--;
                    }
                }
                System.arraycopy(b, 0, out, 0, Math.min(b.length, readLength)); // then 0xFF: idle slots
            }
            case WRITE_SCRATCHPAD -> {
                // TH, TL, config; the datasheet wants all three before the next reset.
                for (int i = 1; i < write.length && i <= 3; i++) {
                    pad[1 + i] = i == 3 ? (byte) ((write[i] & 0x60) | 0x1F) : write[i];
                }
                configWrites++;
                updateCrc();
            }
            case COPY_SCRATCHPAD -> {
                eeprom[0] = pad[2];
                eeprom[1] = pad[3];
                eeprom[2] = pad[4];
                eepromCopies++;
            }
            case RECALL_E2 -> {
                pad[2] = eeprom[0];
                pad[3] = eeprom[1];
                pad[4] = eeprom[2];
                updateCrc();
            }
            case READ_POWER_SUPPLY -> {
                // externally powered: read slots 1 (already 0xFF)
            }
            default -> unknownCommands++;
        }
        return out;
    }

    /** Completes a conversion whose t<sub>CONV</sub> has passed. Caller holds this. */
    private void finishConversion(long now) {
        if (conversionEnd == 0 || now - conversionEnd < 0) {
            return;
        }
        conversionEnd = 0;
        if (skipConversions) {
            return;
        }
        double t = Math.max(-55.0, Math.min(125.0, conversionTemperature));
        int step = 1 << (12 - conversionBits);
        int raw = (int) Math.round(t * 16.0 / step) * step;
        int withUndefined = raw | (step - 1); // the undefined low bits read 1 here
        pad[0] = (byte) withUndefined;
        pad[1] = (byte) (withUndefined >> 8);
        pad[6] = (byte) (0x10 - (raw & 0x0F)); // COUNT REMAIN, as genuine parts report it
        updateCrc();
    }

    private void updateCrc() {
        pad[8] = (byte) W1Slave.crc8(pad, 0, 8);
    }

    @Override
    public synchronized String toString() {
        return "Ds18b20Model[" + id + ", " + temperature + " °C, " + resolution() + " bits"
                + (present ? "" : ", absent") + "]";
    }
}
