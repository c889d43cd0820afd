package ${package}.sim;

import ${package}.internal.Registers;
import io.kdrv.board.mock.RegisterChip;

/**
 * A register model of the ${compatible} chip for kdrv's mock board:
 * {@code mock.attach(bus, address, new TemperatureChip())}. The driver reaches it through the ordinary Pi4J I2C
 * API, exactly as it reaches the real chip.
 *
 * <ul>
 *   <li>ID ({@code 0x0F}) reads {@code 0xA1}, or what {@link #chipId(int)} set; ID and TEMP are read-only.</li>
 *   <li>CONFIG ({@code 0x02}) powers up with SD (shutdown) set. While SD is clear, TEMP follows
 *       {@link #setTemperature} at once (the simulated conversion takes no time); setting SD keeps the last
 *       conversion.</li>
 *   <li>TEMP reads {@code 0x8000} until the first conversion.</li>
 * </ul>
 *
 * <p>Thread-safe: every method synchronizes on the chip, like {@link RegisterChip}.
 */
public class TemperatureChip extends RegisterChip {
    private int chipId = Registers.CHIP_ID;
    private double celsius = 22.0;

    /** A chip reading 22 degrees Celsius once it is woken. */
    public TemperatureChip() {
        super("temperature-chip");
        poke(Registers.CONFIG, Registers.CONFIG_SHUTDOWN);
        writeTemp(Registers.NO_CONVERSION);
    }

    /**
     * Sets the simulated temperature, seen at the next conversion.
     *
     * @param celsius -40..125 degrees Celsius
     * @throws IllegalArgumentException outside that range
     */
    public synchronized void setTemperature(double celsius) {
        if (!(celsius >= -40 && celsius <= 125)) {
            throw new IllegalArgumentException(name() + ": temperature " + celsius + " outside -40..125");
        }
        this.celsius = celsius;
        if (!shutdown()) {
            convert();
        }
    }

    /** Makes the ID register read {@code id} (a different part at the address). */
    public synchronized void chipId(int id) {
        chipId = id & 0xFF;
    }

    /** True while CONFIG.SD is set: at power-on, and after the driver shut the chip down. */
    public synchronized boolean shutdown() {
        return (peek(Registers.CONFIG) & Registers.CONFIG_SHUTDOWN) != 0;
    }

    @Override
    protected int onRead(int reg) {
        return reg == Registers.ID ? chipId : super.onRead(reg);
    }

    @Override
    protected void onWrite(int reg, int value) {
        if (reg == Registers.CONFIG) {
            super.onWrite(reg, value);
            if (!shutdown()) {
                convert();
            }
        }
        // ID and TEMP are read-only; other registers are not implemented
    }

    private void convert() {
        writeTemp((int) Math.round(celsius / Registers.LSB_CELSIUS) & 0xFFFF);
    }

    private void writeTemp(int raw) {
        poke(Registers.TEMP, (byte) (raw >> 8), (byte) raw);
    }
}
