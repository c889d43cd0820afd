package io.kdrv.board.linux.internal;

import io.kdrv.board.linux.GpioChip;

/**
 * The GPIO chip handle of one Pi4J context, shared by its input and output providers and closed when the last of
 * them shuts down.
 */
public final class SharedChip {
    private final GpioChip chip;
    private int users; // guarded by this

    public SharedChip(GpioChip chip, int users) {
        this.chip = chip;
        this.users = users;
    }

    public GpioChip chip() {
        return chip;
    }

    /** One provider is done with the chip; the last one closes it. */
    public void release() {
        boolean last;
        synchronized (this) {
            last = users > 0 && --users == 0;
        }
        if (last && chip != null) { // null only in provider-wiring tests
            chip.close();
        }
    }
}
