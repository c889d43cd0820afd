package io.kdrv.board.internal;

import io.kdrv.driver.spi.Board;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Ownership of the board's non-GPIO ports (a serial device path, a 1-Wire slave id): one claimant per key, the
 * error names the owner. The key is reserved under the lock and the port opened outside it (opening a tty can
 * block on a modem line), so a slow open never holds other claims up.
 */
final class PortClaims {
    /** One claimed port: {@code kind} and {@code port} for display, {@code key} for uniqueness. */
    record Claim(String key, String kind, String port, String what, String owner) {
    }

    private final Map<String, Claim> claims = new TreeMap<>(); // guarded by this
    private final Map<String, Runnable> releases = new TreeMap<>(); // guarded by this
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
                releases.put(key, h::close);
            }
        }
        if (lateClose) {
            h.close();
            throw new IllegalStateException("kdrv board closed while opening " + what + " for device " + owner);
        }
        return h;
    }

    /** @return the claims, sorted by key */
    synchronized List<Claim> list() {
        return new ArrayList<>(claims.values());
    }

    /** Closes every claimed port (board close); later claims fail. */
    void closeAll() {
        List<Runnable> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(releases.values());
        }
        for (Runnable r : all) {
            r.run();
        }
    }

    private synchronized void released(Claim claim) {
        if (claims.remove(claim.key(), claim)) {
            releases.remove(claim.key());
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
