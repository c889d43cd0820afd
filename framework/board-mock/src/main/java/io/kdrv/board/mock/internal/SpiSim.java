package io.kdrv.board.mock.internal;

import io.kdrv.board.mock.SimLog;
import io.kdrv.board.mock.SpiChip;
import io.kdrv.board.mock.SpiTransfer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mock board's SPI side: chips per bus/chip select, the open Pi4J devices, and a bounded record of the
 * transfers per bus/chip select. Shared by {@link io.kdrv.board.mock.MockBoard} (simulation API) and
 * {@link SimSpiProvider} (the Pi4J devices drivers use). Thread-safe.
 */
public final class SpiSim {
    /** Transfers kept per bus/chip select (the oldest go first): a long-running poller must not fill the heap. */
    public static final int RECORD_CAPACITY = SimLog.DEFAULT_CAPACITY;

    private final Map<Integer, SpiChip> chips = new ConcurrentHashMap<>();
    private final Map<Integer, Log> logs = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> open = new ConcurrentHashMap<>(); // key -> open handles

    /** Key of one SPI device; the caller has checked the ranges. */
    public static int key(int bus, int chipSelect) {
        return bus << 8 | chipSelect;
    }

    /** @return the chip now at {@code key}, or null */
    public SpiChip chip(int key) {
        return chips.get(key);
    }

    /** @return the chip that was there, or null when {@code chip} was attached */
    public SpiChip attach(int key, SpiChip chip) {
        return chips.putIfAbsent(key, chip);
    }

    public SpiChip detach(int key) {
        return chips.remove(key);
    }

    /**
     * One transfer: looks the chip up now (attached or detached while a driver runs behaves like a chip plugged
     * in or pulled out), runs it under its monitor, records the transfer.
     */
    void transfer(int bus, int cs, int mode, int speedHz, byte[] mosi, byte[] miso) {
        int key = key(bus, cs);
        long t = System.nanoTime();
        SpiChip chip = chips.get(key);
        if (chip != null) {
            synchronized (chip) {
                chip.transfer(mode, speedHz, mosi, miso);
            }
        }
        logs.computeIfAbsent(key, k -> new Log()).add(new SpiTransfer(bus, cs, mode, speedHz, mosi, miso, t));
    }

    void opened(int key) {
        open.merge(key, 1, Integer::sum);
    }

    void closed(int key) {
        open.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
    }

    public boolean isOpen(int key) {
        return open.containsKey(key);
    }

    public List<SpiTransfer> transfers(int key) {
        Log log = logs.get(key);
        return log == null ? List.of() : log.snapshot();
    }

    public long transferCount(int key) {
        Log log = logs.get(key);
        return log == null ? 0 : log.count();
    }

    public void clearTransfers(int key) {
        Log log = logs.get(key);
        if (log != null) {
            log.clear();
        }
    }

    private static final class Log {
        private final SimLog<SpiTransfer> kept = new SimLog<>(RECORD_CAPACITY); // guarded by this

        synchronized void add(SpiTransfer t) {
            kept.add(t);
        }

        synchronized List<SpiTransfer> snapshot() {
            return kept.snapshot();
        }

        synchronized long count() {
            return kept.total();
        }

        synchronized void clear() {
            kept.clear();
        }
    }
}
