package io.kdrv.driver.internal;

import io.kdrv.driver.ControllerRef;
import io.kdrv.driver.GpioChip;
import io.kdrv.driver.GpioController;
import io.kdrv.driver.spi.ControllerLine;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;

/**
 * The GPIO controllers registered by drivers (Linux {@code gpiolib}'s chip list), by controller (= device) name, and
 * the global numbers of their lines. Shared by every device of one driver core. Thread-safe: the map is concurrent,
 * the number allocation is guarded by this object; no driver code runs under a lock.
 */
final class GpioControllers {
    /** Linux allocates dynamic GPIO bases from 512 on; blocks of 256 so a number shows its controller. */
    static final int FIRST_BASE = 512;
    static final int BLOCK = 256;

    private final Map<String, Chip> chips = new ConcurrentHashMap<>();
    private final Map<String, Integer> bases = new HashMap<>(); // guarded by this
    private final Predicate<String> nodeExists;

    /** @param nodeExists whether a device node of that name exists (bound or not) */
    GpioControllers(Predicate<String> nodeExists) {
        this.nodeExists = Objects.requireNonNull(nodeExists, "nodeExists");
    }

    /** A registry without nodes, for devices built outside a driver core (tests). */
    static GpioControllers none() {
        return new GpioControllers(n -> false);
    }

    boolean nodeExists(String name) {
        return nodeExists.test(name);
    }

    /** The base number of {@code controller}, allocated on first use and kept for the life of the core. */
    synchronized int base(String controller) {
        return bases.computeIfAbsent(controller, c -> FIRST_BASE + BLOCK * bases.size());
    }

    /** The global number of a reference: base + index (the index is not checked against a controller here). */
    int number(ControllerRef ref) {
        return base(ref.controller()) + Math.min(ref.index(), BLOCK - 1);
    }

    /** @throws IllegalStateException when {@code device} already has a controller */
    Chip register(String device, GpioController ops) {
        int n = ops.lineCount();
        if (n < 1 || n > BLOCK) {
            throw new IllegalArgumentException("device " + device + ": a GPIO controller needs 1.." + BLOCK
                    + " lines, got " + n);
        }
        Chip chip = new Chip(device, ops, n, base(device));
        Chip old = chips.putIfAbsent(device, chip);
        if (old != null) {
            throw new IllegalStateException("device " + device + ": a GPIO controller is already registered for it");
        }
        return chip;
    }

    void unregister(Chip chip) {
        chips.remove(chip.name, chip);
    }

    /** @return the registered controller, or null */
    Chip get(String name) {
        return chips.get(name);
    }

    List<String> names() {
        return chips.keySet().stream().sorted().toList();
    }

    /** A registered controller: the driver's handle, and the source of {@link ControllerLine}s for the board. */
    static final class Chip implements GpioChip {
        final String name;
        final GpioController ops;
        private final int count;
        private final int base;
        private final AtomicReferenceArray<ControllerLine.EdgeSink> sinks;

        Chip(String name, GpioController ops, int count, int base) {
            this.name = name;
            this.ops = ops;
            this.count = count;
            this.base = base;
            this.sinks = new AtomicReferenceArray<>(count);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int lineCount() {
            return count;
        }

        @Override
        public int number(int line) {
            Objects.checkIndex(line, count);
            return base + line;
        }

        @Override
        public void handleNestedIrq(int line, boolean high, long timestampNanos) {
            Objects.checkIndex(line, count);
            ControllerLine.EdgeSink sink = sinks.get(line);
            if (sink != null) {
                sink.edge(high, timestampNanos);
            }
        }

        /** Line {@code offset} (checked by the caller) as the board claims it. */
        ControllerLine line(int offset) {
            return new Line(this, offset);
        }

        @Override
        public String toString() {
            return "GpioChip[" + name + ", " + count + " lines, base " + base + "]";
        }
    }

    /** One claim's view of a line: it only ever disconnects its own sink. */
    private static final class Line implements ControllerLine {
        private final Chip chip;
        private final int offset;
        private ControllerLine.EdgeSink connected; // guarded by this

        Line(Chip chip, int offset) {
            this.chip = chip;
            this.offset = Objects.checkIndex(offset, chip.count);
        }

        @Override
        public String controller() {
            return chip.name;
        }

        @Override
        public int offset() {
            return offset;
        }

        @Override
        public int number() {
            return chip.base + offset;
        }

        @Override
        public GpioController ops() {
            return chip.ops;
        }

        @Override
        public synchronized void connectEdges(ControllerLine.EdgeSink sink) {
            if (sink == null) {
                if (connected != null) {
                    chip.sinks.compareAndSet(offset, connected, null);
                }
            } else {
                chip.sinks.set(offset, sink);
            }
            connected = sink;
        }

        @Override
        public String toString() {
            return label();
        }
    }
}
