package io.kdrv.board.internal;

import io.kdrv.driver.W1Slave;
import java.io.IOException;
import java.util.Optional;

/** A slave as handed to its device: every call after release throws, naming the slave. */
final class ClaimedW1Slave implements W1Slave {
    private final W1Slave slave;
    private final String owner;
    private volatile boolean released;

    ClaimedW1Slave(W1Slave slave, String owner) {
        this.slave = slave;
        this.owner = owner;
    }

    void release() {
        released = true;
    }

    private W1Slave live() {
        if (released) {
            throw new IllegalStateException("1-Wire slave " + slave.id() + " on " + slave.master()
                    + " was released by device " + owner);
        }
        return slave;
    }

    @Override
    public String id() {
        return slave.id();
    }

    @Override
    public String master() {
        return slave.master();
    }

    @Override
    public boolean supportsTransactions() {
        return live().supportsTransactions();
    }

    @Override
    public byte[] transaction(byte[] write, int readLength) throws IOException {
        return live().transaction(write, readLength);
    }

    @Override
    public Optional<String> readAttribute(String name) throws IOException {
        return live().readAttribute(name);
    }

    @Override
    public void writeAttribute(String name, String value) throws IOException {
        live().writeAttribute(name, value);
    }

    @Override
    public String toString() {
        return "W1Slave[" + slave.master() + "/" + slave.id() + ", " + (released ? "released" : owner) + "]";
    }
}
