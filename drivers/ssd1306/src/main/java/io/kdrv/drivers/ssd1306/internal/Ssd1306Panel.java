package io.kdrv.drivers.ssd1306.internal;

import com.pi4j.io.i2c.I2C;
import io.kdrv.drivers.ssd1306.Ssd1306Display;
import io.kdrv.drivers.ssd1306.Ssd1306Font;
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
 * One bound SSD1306: the framebuffer (8 pages x 128 column bytes, bit 0 = top row of the page, as in the display
 * RAM), its dirty-page mask, and the I2C transfers.
 *
 * <p>Locking: {@code this} guards the framebuffer, the dirty mask and the panel state; it is never held across a
 * transfer. {@link #io} serialises transfers (flush, commands, the refresh kthread) and covers nothing but them;
 * the flush event is posted after it is released.
 */
final class Ssd1306Panel implements Ssd1306Display {
    private static final Logger LOG = LoggerFactory.getLogger(Ssd1306Panel.class);
    private static final int ALL_PAGES = (1 << PAGES) - 1;
    private static final long LOG_EVERY_NTH_ERROR = 100;

    /** What a flush that wrote pages reports: pages (ascending), whether the display is on, flush count. */
    record Flushed(String device, int[] pages, boolean on, long sequence) {
    }

    private final String device;
    private final I2C i2c;
    private final String where;
    private final Consumer<Flushed> sink;
    private final ReentrantLock io = new ReentrantLock();
    private final byte[][] fb = new byte[PAGES][WIDTH];
    private final AtomicLong flushes = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private int dirty = ALL_PAGES; // guarded by this
    private int contrast;          // guarded by this
    private boolean on;            // guarded by this
    private volatile boolean closed;

    Ssd1306Panel(String device, I2C i2c, int bus, int address, Consumer<Flushed> sink) {
        this.device = device;
        this.i2c = i2c;
        this.where = "device " + device + " (i2c bus " + bus + " address " + String.format("0x%02X", address) + ")";
        this.sink = sink;
    }

    String where() {
        return where;
    }

    /** Probe: the init sequence, the whole RAM written from the (cleared or pre-drawn) framebuffer, display on. */
    void init(Ssd1306Config config) throws IOException {
        for (int[] command : Ssd1306Commands.init(config.contrast(), config.rotate180(), config.externalVcc())) {
            command(command);
        }
        synchronized (this) {
            contrast = config.contrast();
            dirty = ALL_PAGES;
        }
        flush();
        setDisplayOn(true);
    }

    /** Remove: display off (sleep), then no more transfers through this panel. */
    void release() throws IOException {
        try {
            setDisplayOn(false);
        } finally {
            closed = true;
        }
    }

    /** The refresh kthread's function: flushes dirty pages once per period until stopped. */
    int refreshLoop(Duration period) throws InterruptedException {
        PeriodicTimer timer = new PeriodicTimer(period);
        while (timer.waitNextPeriod()) {
            try {
                flush();
            } catch (IOException e) {
                long n = errors.get();
                if (n == 1 || n % LOG_EVERY_NTH_ERROR == 0) {
                    LOG.warn("ssd1306/{}: refresh failed ({} failures so far): {}", device, n, e.getMessage());
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
    public synchronized void clear() {
        for (byte[] page : fb) {
            Arrays.fill(page, (byte) 0);
        }
        dirty = ALL_PAGES;
    }

    @Override
    public synchronized void setPixel(int x, int y, boolean lit) {
        if (x < 0 || x >= WIDTH || y < 0 || y >= HEIGHT) {
            return;
        }
        byte[] page = fb[y >> 3];
        int old = page[x];
        int now = lit ? old | 1 << (y & 7) : old & ~(1 << (y & 7));
        if (now != old) {
            page[x] = (byte) now;
            dirty |= 1 << (y >> 3);
        }
    }

    @Override
    public synchronized boolean pixel(int x, int y) {
        return x >= 0 && x < WIDTH && y >= 0 && y < HEIGHT && (fb[y >> 3][x] >> (y & 7) & 1) != 0;
    }

    @Override
    public synchronized int drawText(int x, int y, String text) {
        for (int i = 0; i < text.length(); i++) {
            byte[] glyph = Ssd1306Font.glyph(text.charAt(i));
            for (int col = 0; col < Ssd1306Font.ADVANCE; col++) {
                int bits = col < Ssd1306Font.WIDTH ? glyph[col] : 0;
                for (int row = 0; row < 8; row++) {
                    setPixel(x + col, y + row, (bits >> row & 1) != 0);
                }
            }
            x += Ssd1306Font.ADVANCE;
        }
        return x;
    }

    @Override
    public synchronized void drawLine(int line, String text) {
        if (line < 0 || line >= PAGES) {
            return;
        }
        for (int x = 0; x < WIDTH; x++) {
            for (int row = 0; row < 8; row++) {
                setPixel(x, line * 8 + row, false);
            }
        }
        drawText(0, line * 8, text);
    }

    @Override
    public synchronized int dirtyPages() {
        return dirty;
    }

    // ------------------------------------------------------------------------------------------ transfers

    @Override
    public int flush() throws IOException {
        Flushed done;
        io.lock();
        try {
            if (closed) {
                throw new IOException(where + ": flush: the device has been removed");
            }
            int pages;
            byte[][] copy = new byte[PAGES][];
            boolean displayOn;
            synchronized (this) {
                pages = dirty;
                dirty = 0;
                for (int p = 0; p < PAGES; p++) {
                    if ((pages >> p & 1) != 0) {
                        copy[p] = fb[p].clone();
                    }
                }
                displayOn = on;
            }
            if (pages == 0) {
                return 0;
            }
            int written = 0;
            try {
                for (int p = 0; p < PAGES; p++) {
                    if ((pages >> p & 1) == 0) {
                        continue;
                    }
                    int last = p;
                    while (last + 1 < PAGES && (pages >> (last + 1) & 1) != 0) {
                        last++;
                    }
                    // One window per run of dirty pages; horizontal addressing walks it page by page.
                    command(new int[] {Ssd1306Commands.COLUMN_ADDRESS, 0, WIDTH - 1});
                    command(new int[] {Ssd1306Commands.PAGE_ADDRESS, p, last});
                    for (int q = p; q <= last; q++) {
                        data(q, copy[q]);
                        written |= 1 << q;
                    }
                    p = last;
                }
            } finally {
                int failed = pages & ~written;
                if (failed != 0) {
                    synchronized (this) {
                        dirty |= failed; // retried by the next flush
                    }
                }
            }
            done = new Flushed(device, pageList(written), displayOn, flushes.incrementAndGet());
        } finally {
            io.unlock();
        }
        sink.accept(done);
        return done.pages().length;
    }

    @Override
    public void setContrast(int value) throws IOException {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException(device + ": contrast " + value + " is outside 0..255");
        }
        io.lock();
        try {
            command(new int[] {Ssd1306Commands.SET_CONTRAST, value});
            synchronized (this) {
                contrast = value;
            }
        } finally {
            io.unlock();
        }
    }

    @Override
    public synchronized int contrast() {
        return contrast;
    }

    @Override
    public void setDisplayOn(boolean lit) throws IOException {
        io.lock();
        try {
            command(new int[] {lit ? Ssd1306Commands.DISPLAY_ON : Ssd1306Commands.DISPLAY_OFF});
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
    public long flushes() {
        return flushes.get();
    }

    @Override
    public long errors() {
        return errors.get();
    }

    /** One command with its arguments in one transfer after control byte 0x00. */
    private void command(int[] command) throws IOException {
        byte[] buf = new byte[command.length + 1];
        buf[0] = Ssd1306Commands.CONTROL_COMMANDS;
        for (int i = 0; i < command.length; i++) {
            buf[i + 1] = (byte) command[i];
        }
        transfer(buf, String.format("command 0x%02X", command[0]));
    }

    /** One page of display RAM data after control byte 0x40. */
    private void data(int page, byte[] columns) throws IOException {
        byte[] buf = new byte[columns.length + 1];
        buf[0] = Ssd1306Commands.CONTROL_DATA;
        System.arraycopy(columns, 0, buf, 1, columns.length);
        transfer(buf, "page " + page + " data");
    }

    private void transfer(byte[] buf, String what) throws IOException {
        if (closed) {
            throw new IOException(where + ": " + what + ": the device has been removed");
        }
        int n;
        try {
            n = i2c.write(buf, 0, buf.length);
        } catch (RuntimeException e) { // Pi4J reports bus errors (NACK) as unchecked exceptions
            errors.incrementAndGet();
            throw new IOException(where + ": " + what + " failed: " + e.getMessage(), e);
        }
        if (n != buf.length) {
            errors.incrementAndGet();
            throw new IOException(where + ": " + what + " wrote " + n + " of " + buf.length + " bytes");
        }
    }

    private static int[] pageList(int mask) {
        return IntStream.range(0, PAGES).filter(p -> (mask >> p & 1) != 0).toArray();
    }

    @Override
    public String toString() {
        return "ssd1306 " + device + " (" + flushes() + " flushes, " + errors() + " errors)";
    }
}
