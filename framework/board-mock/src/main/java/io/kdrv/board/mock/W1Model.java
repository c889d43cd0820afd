package io.kdrv.board.mock;

import java.io.IOException;
import java.util.Optional;

/**
 * A simulated 1-Wire slave for the mock board ({@link MockBoard#attachW1}): the bus does the reset and MATCH ROM
 * (a slave that is not {@link #present()} gives no presence pulse, and the transaction fails naming it), then
 * hands the model the rest of the transaction. Models are built from the datasheet: a function-command state
 * machine over the chip's memory, not canned replies.
 *
 * <p>Implementations must be thread-safe; the bus serialises the transactions of one master.
 */
public interface W1Model {
    /** @return the slave id, e.g. {@code 28-00000abcdef0} (its ROM code's family and serial number) */
    String id();

    /** @return whether the slave answers a reset with a presence pulse (false: unplugged, broken wire) */
    default boolean present() {
        return true;
    }

    /**
     * The function-command part of one transaction, after reset and MATCH ROM: the master writes {@code write},
     * then reads {@code readLength} bytes (an idle bus reads 0xFF).
     *
     * @return exactly {@code readLength} bytes
     * @throws IOException a simulated bus fault
     */
    byte[] transaction(byte[] write, int readLength) throws IOException;

    /**
     * Whether the board may do raw transactions with this slave; false models a slave that a Linux family driver
     * owns (no {@code rw} file): drivers must then use {@link #attribute} / {@link #writeAttribute}.
     */
    default boolean supportsTransactions() {
        return true;
    }

    /**
     * A ready-made kernel file of this slave (what a Linux family driver would offer), for drivers that read
     * those; none by default.
     *
     * @throws IOException a simulated read error (the kernel's EIO)
     */
    default Optional<String> attribute(String name) throws IOException {
        return Optional.empty();
    }

    /**
     * Writes a ready-made kernel file of this slave.
     *
     * @throws IOException when the slave has no such file (the default) or a simulated write error
     */
    default void writeAttribute(String name, String value) throws IOException {
        throw new IOException("1-Wire slave " + id() + " on the mock board has no file " + name);
    }
}
