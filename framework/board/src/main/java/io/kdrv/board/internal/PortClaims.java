package io.kdrv.board.internal;

import io.kdrv.driver.spi.Board;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Ownership of the board's non-GPIO ports (a serial device path, a 1-Wire slave id, an SPI chip select, a PWM
 * channel): one claimant per key, the error names the owner. The key is reserved under the lock and the port opened outside it (opening a tty can
 * block on a modem line), so a slow open never holds other claims up.
 */
final class PortClaims {
    /** One claimed port: {@code kind} and {@code port} for display, {@code key} for uniqueness. */
    record Claim(String key, String kind, String port, String what, String owner) {
    }

    private final Map<String, Claim> claims = new TreeMap<>(); // guarded by this
    private final Map<String, Handle<?>> handles = new TreeMap<>(); // guarded by this
    private boolean closed; // guarded by this

    /**
     * Claims {@code key} for {@code owner}, then opens the port.
     *
     * @param key   what must be unique, e.g. {@code serial:/dev/ttyAMA0} (the real path)
     * @param what  for messages, e.g. {@code serial port /dev/ttyAMA0}
     * @param close closes what {@code open} returned; run once, by the handle or by {@link #closeAll}
     * @throws IllegalStateException {@code key} is claimed (the message names the owner), or the board is closed
     */
    <T> Board.Handle<T> claim(String key, String kind, String port, String what, String owner, Supplier<T> open,
            Consumer<T> close) {
        Claim claim = new Claim(key, kind, port, what, owner);
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("kdrv board is closed: cannot open " + what + " for device " + owner);
            }
            Claim held = claims.get(key);
            if (held != null) {
                throw new IllegalStateException(what + " is already claimed by device " + held.owner());
            }
            claims.put(key, claim);
        }
        T opened;
        try {
            opened = open.get();
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                claims.remove(key, claim);
            }
            throw e;
        }
        Handle<T> h = new Handle<>(this, claim, opened, close);
        boolean lateClose;
        synchronized (this) {
            lateClose = closed; // the board closed while we were opening: give it back at once
            if (!lateClose) {
                handles.put(key, h);
            }
        }
        if (lateClose) {
            h.close();
            throw new IllegalStateException("kdrv board closed while opening " + what + " for device " + owner);
        }
        return h;
    }

    /** Shuts a Pi4J I/O down through its context (closes it, drops it from the registry); a failure is logged. */
    static void shutdown(com.pi4j.context.Context pi4j, com.pi4j.io.IO<?, ?, ?> io, org.slf4j.Logger log) {
        try {
            if (!pi4j.isShutdown()) {
                pi4j.shutdown(io.id());
            }
        } catch (RuntimeException e) {
            log.warn("kdrv board: shutting down Pi4J {} failed: {}", io.id(), e.toString(), e);
        }
    }

    /** @return the claims, sorted by key */
    synchronized List<Claim> list() {
        return new ArrayList<>(claims.values());
    }

    /** @return what the open functions returned for the claims held now, sorted by key */
    synchronized <T> List<T> opened(Class<T> type) {
        List<T> out = new ArrayList<>(handles.size());
        for (Handle<?> h : handles.values()) {
            if (type.isInstance(h.port)) {
                out.add(type.cast(h.port));
            }
        }
        return out;
    }

    /**
     * Closes every claimed port (board close); later claims fail.
     *
     * @return how many were still claimed
     */
    int closeAll() {
        List<Handle<?>> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(handles.values());
        }
        for (Handle<?> h : all) {
            h.close();
        }
        return all.size();
    }

    private synchronized void released(Claim claim) {
        if (claims.remove(claim.key(), claim)) {
            handles.remove(claim.key());
        }
    }

    /** Closes the port once, then frees the key. */
    private static final class Handle<T> implements Board.Handle<T> {
        private final PortClaims owner;
        private final Claim claim;
        private final T port;
        private final Consumer<T> close;
        private boolean done; // guarded by this

        Handle(PortClaims owner, Claim claim, T port, Consumer<T> close) {
            this.owner = owner;
            this.claim = claim;
            this.port = port;
            this.close = close;
        }

        @Override
        public T get() {
            return port;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
            }
            try {
                close.accept(port);
            } finally {
                owner.released(claim);
            }
        }
    }
}
