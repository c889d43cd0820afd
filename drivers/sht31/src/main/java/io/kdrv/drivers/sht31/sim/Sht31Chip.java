package io.kdrv.drivers.sht31.sim;

import com.pi4j.io.exception.IOException;
import io.kdrv.board.mock.RegisterChip;
import io.kdrv.board.mock.SimLog;
import io.kdrv.drivers.sht31.Sht31Crc;
import io.kdrv.drivers.sht31.internal.Sht31Commands;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A model of the Sensirion SHT31 for the mock board ({@code MockBoard.attach(bus, 0x44, chip)}): the SHT3x command
 * set over plain I2C transfers, each answer word followed by its CRC-8.
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>A 2-byte write is one command (MSB first). Single-shot commands (clock stretching on or off) measure at
 *       once (the simulated conversion takes no time); a periodic start command enters periodic mode, where Fetch
 *       Data returns the latest measurement (every fetch finds a new one: the period is not modelled); Break ends
 *       periodic mode. Soft reset, heater on/off, read/clear status work as in the datasheet; an unknown command,
 *       or a single-shot command in periodic mode, sets status bit 1 (command not processed).</li>
 *   <li>A read returns the pending answer (words of 2 bytes + CRC); a read with no answer pending is NACKed, like
 *       the real chip with clock stretching off; so is reading past the answer (the model does not see where a
 *       transfer ends, so an answer is consumed byte by byte).</li>
 *   <li>The heater sets status bit 13; its warming is not modelled.</li>
 *   <li>Fault injection: {@link #corruptNextAnswers(int)} (wrong CRC on the first word), {@link #nackNextCommands(int)}
 *       (the command is not acknowledged and has no effect).</li>
 * </ul>
 *
 * <p>Thread-safe: every method synchronizes on the chip, like {@link RegisterChip}.
 */
public class Sht31Chip extends RegisterChip {
    private double temperature = 22.5;
    private double humidity = 45;
    private final ArrayDeque<Integer> answer = new ArrayDeque<>();
    private final SimLog<Integer> commands = new SimLog<>();
    private int status = Sht31Commands.STATUS_RESET;
    private boolean heater;
    private double periodicRate = -1;
    private int corruptAnswers;
    private int nackCommands;
    private long measurements;
    private long resets;

    /** An SHT31 reading 22.5 °C, 45 %RH. */
    public Sht31Chip() {
        super("sht31");
    }

    /**
     * Sets the simulated environment; the next measurement reads it.
     *
     * @param celsius -40..125 °C (the sensor's range)
     * @param percent 0..100 %RH
     * @throws IllegalArgumentException for a value outside its range
     * @return this chip
     */
    public synchronized Sht31Chip set(double celsius, double percent) {
        if (!(celsius >= -40 && celsius <= 125) || !(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("sht31 sim: " + celsius + " °C / " + percent
                    + " %RH outside -40..125 °C / 0..100 %RH");
        }
        temperature = celsius;
        humidity = percent;
        return this;
    }

    /** The next {@code n} answers carry a wrong CRC in their first word. */
    public synchronized void corruptNextAnswers(int n) {
        corruptAnswers = n;
    }

    /** The next {@code n} commands are not acknowledged (the transfer fails like a NACK) and have no effect. */
    public synchronized void nackNextCommands(int n) {
        nackCommands = n;
    }

    public synchronized boolean heater() {
        return heater;
    }

    /** @return whether periodic measurements are running */
    public synchronized boolean periodic() {
        return periodicRate > 0;
    }

    /** @return measurements per second of periodic mode, -1 when not in periodic mode */
    public synchronized double periodicRate() {
        return periodicRate;
    }

    /** @return the status register */
    public synchronized int status() {
        return status;
    }

    /** @return measurements answered so far (single-shot and fetches) */
    public synchronized long measurements() {
        return measurements;
    }

    public synchronized long resets() {
        return resets;
    }

    /** @return the commands acknowledged so far, oldest first: the last {@value SimLog#DEFAULT_CAPACITY} */
    public synchronized List<Integer> commands() {
        return commands.snapshot();
    }

    @Override
    protected void onWrite(int reg, int value) {
        int command = reg << 8 | value;
        if (nackCommands > 0) {
            nackCommands--;
            throw new IOException("sht31 sim: command " + String.format("0x%04X", command) + " not acknowledged (NACK)");
        }
        commands.add(command);
        answer.clear();
        double rate = Sht31Commands.periodicRate(command);
        switch (command) {
            case Sht31Commands.SINGLE_HIGH, Sht31Commands.SINGLE_MEDIUM, Sht31Commands.SINGLE_LOW,
                    0x2C06, 0x2C0D, 0x2C10 -> {
                if (periodic()) {
                    status |= Sht31Commands.STATUS_COMMAND_FAILED;
                } else {
                    measure();
                }
            }
            case Sht31Commands.FETCH -> {
                if (periodic()) {
                    measure();
                }
            }
            case Sht31Commands.BREAK -> periodicRate = -1;
            case Sht31Commands.SOFT_RESET -> {
                resets++;
                heater = false;
                periodicRate = -1;
                status = Sht31Commands.STATUS_RESET;
            }
            case Sht31Commands.HEATER_ON -> heater = true;
            case Sht31Commands.HEATER_OFF -> heater = false;
            case Sht31Commands.READ_STATUS -> answer(status | (heater ? Sht31Commands.STATUS_HEATER : 0));
            case Sht31Commands.CLEAR_STATUS -> status &= ~(Sht31Commands.STATUS_ALERT | Sht31Commands.STATUS_RESET
                    | Sht31Commands.STATUS_COMMAND_FAILED);
            default -> {
                if (rate > 0) {
                    periodicRate = rate;
                } else {
                    status |= Sht31Commands.STATUS_COMMAND_FAILED;
                }
            }
        }
    }

    @Override
    protected int onRead(int reg) {
        if (answer.isEmpty()) {
            throw new IOException("sht31 sim: read with no measurement or status pending (NACK)");
        }
        return answer.poll();
    }

    private void measure() {
        measurements++;
        answer(Sht31Commands.rawTemperature(temperature), Sht31Commands.rawHumidity(humidity));
    }

    private void answer(int... words) {
        answer.clear();
        for (int i = 0; i < words.length; i++) {
            int w = words[i];
            int crc = Sht31Crc.crc(w);
            if (i == 0 && corruptAnswers > 0) {
                crc ^= 0x5A;
            }
            answer.add(w >> 8 & 0xFF);
            answer.add(w & 0xFF);
            answer.add(crc);
        }
        if (corruptAnswers > 0) {
            corruptAnswers--;
        }
    }
}
