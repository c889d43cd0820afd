package io.kdrv.board.mock.internal;

import io.kdrv.board.W1Bus;
import io.kdrv.board.mock.W1Model;
import io.kdrv.driver.W1Slave;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mock board's 1-Wire buses: models attached per master. A transaction is serialised per master (one bus, one
 * conversation at a time, as on a real wire) and fails like the kernel's {@code rw} file when the slave is gone.
 */
public final class MockW1Bus implements W1Bus {
    private record Attached(String master, W1Model model) {
    }

    private final Map<String, Attached> slaves = new ConcurrentHashMap<>(); // by id
    private final Map<String, Object> masterLocks = new ConcurrentHashMap<>();

    public void attach(String master, W1Model model) {
        Objects.requireNonNull(master, "master");
        String id = W1Slave.checkId(Objects.requireNonNull(model, "model").id());
        Attached old = slaves.putIfAbsent(id, new Attached(master, model));
        if (old != null) {
            throw new IllegalStateException("mock board: 1-Wire slave " + id + " is already attached to "
                    + old.master());
        }
    }

    public W1Model detach(String id) {
        Attached a = slaves.remove(W1Slave.checkId(id));
        if (a == null) {
            throw new IllegalArgumentException("mock board: no 1-Wire slave " + id + " attached");
        }
        return a.model();
    }

    @Override
    public W1Slave find(String master, String id) {
        Attached a = slaves.get(id);
        if (a == null || master != null && !master.equals(a.master())) {
            throw new IllegalArgumentException("1-Wire slave " + id + " not found on "
                    + (master == null ? "any master" : master) + " of the mock board (attached: " + slaves() + ")");
        }
        return new Slave(id, a.master());
    }

    @Override
    public List<String> slaves() {
        List<String> out = new ArrayList<>();
        slaves.forEach((id, a) -> out.add(a.master() + "/" + id));
        out.sort(null);
        return out;
    }

    /** A found slave: each call goes to the model attached now (a detached one is absent). */
    private final class Slave implements W1Slave {
        private final String id;
        private final String master;

        Slave(String id, String master) {
            this.id = id;
            this.master = master;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String master() {
            return master;
        }

        @Override
        public boolean supportsTransactions() {
            Attached a = slaves.get(id);
            return a == null || a.model().supportsTransactions();
        }

        private W1Model model() throws IOException {
            Attached a = slaves.get(id);
            if (a == null || !a.model().present()) {
                throw new IOException("1-Wire slave " + id + " on " + master
                        + ": no presence pulse after reset (slave absent or wire broken)");
            }
            return a.model();
        }

        @Override
        public byte[] transaction(byte[] write, int readLength) throws IOException {
            Objects.requireNonNull(write, "write");
            if (readLength < 0) {
                throw new IllegalArgumentException("1-Wire slave " + id + ": read length must be >= 0, got "
                        + readLength);
            }
            synchronized (masterLocks.computeIfAbsent(master, m -> new Object())) {
                W1Model model = model();
                if (!model.supportsTransactions()) {
                    throw new UnsupportedOperationException("1-Wire slave " + id + " on " + master + ": no raw "
                            + "transactions (a family driver owns it, as w1_therm does on Linux): use its files");
                }
                byte[] r = model.transaction(write.clone(), readLength);
                if (r.length != readLength) {
                    throw new IllegalStateException("mock 1-Wire model " + id + " returned " + r.length
                            + " bytes for a read of " + readLength);
                }
                return r;
            }
        }

        @Override
        public Optional<String> readAttribute(String name) throws IOException {
            return model().attribute(name);
        }

        @Override
        public void writeAttribute(String name, String value) throws IOException {
            model().writeAttribute(name, value);
        }

        @Override
        public String toString() {
            return "mock W1Slave[" + master + "/" + id + "]";
        }
    }
}
