package io.kdrv.testing;

import io.kdrv.driver.Device;
import io.kdrv.driver.Driver;
import io.kdrv.driver.GpioChip;
import io.kdrv.driver.GpioController;
import io.kdrv.driver.LineConfig;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A driver whose devices are in-memory GPIO controllers, for testing a consumer driver on controller lines
 * ({@code "expander0:3"}) without a chip model: each bound device registers a controller of {@code lines} lines
 * whose inputs the test sets ({@link #setInput}, which delivers an edge to a consumer's threaded IRQ on the line)
 * and whose outputs it reads ({@link #output}).
 *
 * <pre>{@code
 * bed.register(new MemoryGpioController(8), "test,gpio");
 * bed.addDevice("expander0", "test,gpio");
 * bed.addDevice("button0", "gpio-keys", "gpios", new String[] {"expander0:3"}, "codes", 28);
 * expander.setInput("expander0", 3, true);
 * }</pre>
 *
 * <p>Thread-safe; {@link #setInput} never blocks (the edge is queued for the consumer's IRQ kthread).
 */
public final class MemoryGpioController implements Driver {
    private final int lines;
    private final Map<String, Chip> bound = new ConcurrentHashMap<>();

    /** @param lines lines per controller, {@code 1..256} */
    public MemoryGpioController(int lines) {
        if (lines < 1 || lines > 256) {
            throw new IllegalArgumentException("a GPIO controller has 1..256 lines, got " + lines);
        }
        this.lines = lines;
    }

    @Override
    public void probe(Device dev) {
        Chip chip = new Chip(lines);
        chip.handle = dev.registerGpioController(chip);
        bound.put(dev.name(), chip);
        dev.addAction(() -> bound.remove(dev.name(), chip));
    }

    /**
     * Sets input {@code line} of bound controller {@code device} to {@code high} (physical level); a change is
     * delivered as an edge to the consumer's threaded IRQ on that line, if it has one.
     *
     * @throws IllegalArgumentException no such bound device
     * @throws IndexOutOfBoundsException line outside the controller
     */
    public void setInput(String device, int line, boolean high) {
        Chip c = chip(device);
        Objects.checkIndex(line, lines);
        boolean changed;
        synchronized (c) {
            changed = c.inputs[line] != high;
            c.inputs[line] = high;
        }
        if (changed) {
            c.handle.handleNestedIrq(line, high, System.nanoTime()); // outside our lock, as GpioChip asks
        }
    }

    /** The physical level output {@code line} of bound controller {@code device} is driven to. */
    public boolean output(String device, int line) {
        Chip c = chip(device);
        Objects.checkIndex(line, lines);
        synchronized (c) {
            return c.outputs[line];
        }
    }

    private Chip chip(String device) {
        Chip c = bound.get(device);
        if (c == null) {
            throw new IllegalArgumentException("no GPIO controller device '" + device + "' is bound to this driver "
                    + "(bound: " + bound.keySet() + ")");
        }
        return c;
    }

    /** One controller's lines; levels guarded by this. */
    private static final class Chip implements GpioController {
        final boolean[] inputs;
        final boolean[] outputs;
        volatile GpioChip handle;

        Chip(int lines) {
            this.inputs = new boolean[lines];
            this.outputs = new boolean[lines];
        }

        @Override
        public int lineCount() {
            return inputs.length;
        }

        @Override
        public void requestInput(int line, LineConfig config) {
        }

        @Override
        public synchronized void requestOutput(int line, LineConfig config, boolean high) {
            outputs[line] = high;
        }

        @Override
        public synchronized boolean read(int line) {
            return inputs[line];
        }

        @Override
        public synchronized void write(int line, boolean high) {
            outputs[line] = high;
        }

        @Override
        public void release(int line) {
        }
    }
}
