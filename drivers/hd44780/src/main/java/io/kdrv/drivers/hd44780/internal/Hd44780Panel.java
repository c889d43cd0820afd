package io.kdrv.drivers.hd44780.internal;

import io.kdrv.drivers.hd44780.Hd44780Charset;
import io.kdrv.drivers.hd44780.Hd44780Display;
import io.kdrv.kthread.PeriodicTimer;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound HD44780: the character framebuffer (character codes, rows x columns), its dirty-row mask, and the
 * writes through the {@link Hd44780Bus}.
 *
 * <p>Locking: {@code this} guards the framebuffer, the dirty mask and the module state; it is never held across a
 * write. {@link #io} serialises the writes (flush, controls, the refresh kthread) and covers nothing but them; the
 * flush event is posted after it is released.
 */
final class Hd44780Panel implements Hd44780Display {
    private static final Logger LOG = LoggerFactory.getLogger(Hd44780Panel.class);
    private static final long LOG_EVERY_NTH_ERROR = 100;
    private static final int BLANK = ' ';

    /** What a flush that wrote rows reports. */
    record Flushed(String device, int[] rows, boolean on, boolean backlight, long sequence) {
    }

    private final String device;
    private final Hd44780Config config;
    private final Hd44780Bus bus;
    private final Consumer<Flushed> sink;
    private final ReentrantLock io = new ReentrantLock();
    private final int[][] fb;
    private final AtomicLong flushes = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private int dirty;          // guarded by this; 0 at first: the init's clear display blanks the RAM
    private boolean on;         // guarded by this
    private boolean backlight;  // guarded by this
    private volatile boolean closed;

    Hd44780Panel(String device, Hd44780Config config, Hd44780Bus bus, Consumer<Flushed> sink) {
        this.device = device;
        this.config = config;
        this.bus = bus;
        this.sink = sink;
        this.fb = new int[config.rows()][config.columns()];
        for (int[] row : fb) {
            Arrays.fill(row, BLANK);
        }
    }

    /**
     * Probe: the datasheet's initialisation by instruction for the 4-bit interface (Figure 24), which works
     * whatever state the controller is in (power-on 8-bit mode, or 4-bit mode, even half-way through a byte, after
     * a restart without a power cycle): 0x3 three times with the prescribed waits, 0x2 (4-bit), function set,
     * display off, clear, entry mode (increment, no shift); then the framebuffer's rows, display on, backlight.
     */
    void init() throws IOException {
        io.lock();
        try {
            Hd44780Bus.waitAtLeast(Hd44780Commands.DRIVER_POWER_ON_NS);
            bus.nibble(false, Hd44780Commands.NIBBLE_RESET);
            Hd44780Bus.waitAtLeast(Hd44780Commands.DRIVER_RESET_1_NS);
            bus.nibble(false, Hd44780Commands.NIBBLE_RESET);
            Hd44780Bus.waitAtLeast(Hd44780Commands.DRIVER_RESET_2_NS);
            bus.nibble(false, Hd44780Commands.NIBBLE_RESET);
            Hd44780Bus.waitAtLeast(Hd44780Commands.DRIVER_RESET_2_NS);
            bus.nibble(false, Hd44780Commands.NIBBLE_4BIT);
            Hd44780Bus.waitAtLeast(Hd44780Commands.DRIVER_RESET_2_NS);
            bus.instruction(config.functionSet());
            bus.instruction(Hd44780Commands.DISPLAY_CONTROL); // display, cursor and blink off
            bus.instruction(Hd44780Commands.CLEAR_DISPLAY);
            bus.instruction(Hd44780Commands.ENTRY_MODE | Hd44780Commands.ENTRY_INCREMENT);
        } finally {
            io.unlock();
        }
        flush(); // rows drawn before init (node key text); the RAM is blank after the clear
        setDisplayOn(true);
        if (bus.hasBacklight()) {
            setBacklight(config.backlightOn());
        }
    }

    /** Remove (and a failed probe): display off, backlight off, then no more writes through this panel. */
    void release() throws IOException {
        try {
            setDisplayOn(false);
        } finally {
            try {
                if (bus.hasBacklight()) {
                    setBacklight(false);
                }
            } finally {
                closed = true;
            }
        }
    }

    /** The refresh kthread's function: flushes dirty rows once per period until stopped. */
    int refreshLoop(Duration period) throws InterruptedException {
        PeriodicTimer timer = new PeriodicTimer(period);
        while (timer.waitNextPeriod()) {
            try {
                flush();
            } catch (IOException e) {
                long n = errors.get();
                if (n == 1 || n % LOG_EVERY_NTH_ERROR == 0) {
                    LOG.warn("hd44780/{}: refresh failed ({} failures so far): {}", device, n, e.getMessage());
                }
            }
        }
        return 0;
    }

    // ------------------------------------------------------------------------------------------ drawing

    @Override
    public String device() {
        return device;
    }

    @Override
    public int rows() {
        return config.rows();
    }

    @Override
    public int columns() {
        return config.columns();
    }

    @Override
    public synchronized void clear() {
        for (int r = 0; r < fb.length; r++) {
            Arrays.fill(fb[r], BLANK);
        }
        dirty = (1 << fb.length) - 1;
    }

    @Override
    public synchronized int drawText(int row, int column, String text) {
        int c = column;
        for (int i = 0; i < text.length(); i++, c++) {
            put(row, c, Hd44780Charset.code(text.charAt(i)));
        }
        return c;
    }

    @Override
    public synchronized void drawLine(int row, String text) {
        if (row < 0 || row >= fb.length) {
            return;
        }
        for (int c = 0; c < fb[row].length; c++) {
            put(row, c, c < text.length() ? Hd44780Charset.code(text.charAt(c)) : BLANK);
        }
    }

    /** Caller holds this. */
    private void put(int row, int column, int code) {
        if (row < 0 || row >= fb.length || column < 0 || column >= fb[row].length) {
            return;
        }
        if (fb[row][column] != code) {
            fb[row][column] = code;
            dirty |= 1 << row;
        }
    }

    @Override
    public synchronized String line(int row) {
        if (row < 0 || row >= fb.length) {
            throw new IndexOutOfBoundsException("device " + device + ": row " + row + " of " + fb.length);
        }
        StringBuilder sb = new StringBuilder(fb[row].length);
        for (int code : fb[row]) {
            sb.append(Hd44780Charset.character(code));
        }
        return sb.toString();
    }

    @Override
    public synchronized int dirtyRows() {
        return dirty;
    }

    // ------------------------------------------------------------------------------------------ writes

    @Override
    public int flush() throws IOException {
        Flushed done;
        io.lock();
        try {
            checkOpen("flush");
            int rows;
            int[][] copy = new int[fb.length][];
            boolean displayOn;
            boolean light;
            synchronized (this) {
                rows = dirty;
                dirty = 0;
                for (int r = 0; r < fb.length; r++) {
                    if ((rows >> r & 1) != 0) {
                        copy[r] = fb[r].clone();
                    }
                }
                displayOn = on;
                light = backlight;
            }
            if (rows == 0) {
                return 0;
            }
            int written = 0;
            try {
                for (int r = 0; r < copy.length; r++) {
                    if (copy[r] == null) {
                        continue;
                    }
                    bus.instruction(Hd44780Commands.SET_DDRAM | Hd44780Commands.rowAddress(r, config.columns()));
                    for (int code : copy[r]) {
                        bus.data(code);
                    }
                    written |= 1 << r;
                }
            } catch (IOException e) {
                errors.incrementAndGet();
                throw e;
            } finally {
                int failed = rows & ~written;
                if (failed != 0) {
                    synchronized (this) {
                        dirty |= failed; // retried by the next flush
                    }
                }
            }
            int mask = written;
            done = new Flushed(device, IntStream.range(0, fb.length).filter(r -> (mask >> r & 1) != 0).toArray(),
                    displayOn, light, flushes.incrementAndGet());
        } finally {
            io.unlock();
        }
        sink.accept(done);
        return done.rows().length;
    }

    @Override
    public void setDisplayOn(boolean lit) throws IOException {
        io.lock();
        try {
            checkOpen("display " + (lit ? "on" : "off"));
            try {
                bus.instruction(Hd44780Commands.DISPLAY_CONTROL | (lit ? Hd44780Commands.DISPLAY_ON : 0));
            } catch (IOException e) {
                errors.incrementAndGet();
                throw e;
            }
            synchronized (this) {
                on = lit;
            }
        } finally {
            io.unlock();
        }
    }

    @Override
    public synchronized boolean displayOn() {
        return on;
    }

    @Override
    public boolean hasBacklight() {
        return bus.hasBacklight();
    }

    @Override
    public void setBacklight(boolean light) throws IOException {
        io.lock();
        try {
            checkOpen("backlight " + (light ? "on" : "off"));
            try {
                bus.setBacklight(light);
            } catch (IOException e) {
                errors.incrementAndGet();
                throw e;
            }
            synchronized (this) {
                backlight = light;
            }
        } finally {
            io.unlock();
        }
    }

    @Override
    public synchronized boolean backlight() {
        return backlight;
    }

    @Override
    public long flushes() {
        return flushes.get();
    }

    @Override
    public long errors() {
        return errors.get();
    }

    private void checkOpen(String what) throws IOException {
        if (closed) {
            throw new IOException("device " + device + ": " + what + ": the device has been removed");
        }
    }

    @Override
    public String toString() {
        return "hd44780 " + device + " " + config.columns() + "x" + config.rows() + " (" + flushes() + " flushes, "
                + errors() + " errors)";
    }
}
