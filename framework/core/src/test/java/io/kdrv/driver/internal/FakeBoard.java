package io.kdrv.driver.internal;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.i2c.I2C;
import io.kdrv.driver.Device;
import io.kdrv.driver.Edge;
import io.kdrv.driver.Irq;
import io.kdrv.driver.LineConfig;
import io.kdrv.driver.IrqHandler;
import io.kdrv.driver.spi.Board;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * In-memory {@link Board} for core tests: Pi4J handles are inert proxies; every open/close is appended to a shared
 * event log (so tests can check devres order), and line ownership is enforced like the real board.
 */
final class FakeBoard implements Board {
    final List<String> log;
    private final Map<String, String> owners = new HashMap<>(); // resource -> device, guarded by this

    FakeBoard(List<String> log) {
        this.log = log;
    }

    FakeBoard() {
        this(Collections.synchronizedList(new ArrayList<>()));
    }

    @Override
    public String platform() {
        return "fake";
    }

    synchronized Map<String, String> owners() {
        return new HashMap<>(owners);
    }

    private synchronized void claim(String resource, Device owner) {
        String previous = owners.putIfAbsent(resource, owner.name());
        if (previous != null) {
            throw new IllegalStateException(resource + " is already claimed by device " + previous);
        }
    }

    private synchronized void unclaim(String resource) {
        owners.remove(resource);
    }

    private <T> Handle<T> handle(String resource, T value) {
        log.add("open " + resource);
        AtomicBoolean closed = new AtomicBoolean();
        return new Handle<>() {
            @Override
            public T get() {
                return value;
            }

            @Override
            public void close() {
                if (closed.compareAndSet(false, true)) {
                    unclaim(resource);
                    log.add("close " + resource);
                }
            }
        };
    }

    @Override
    public Handle<DigitalInput> openInput(Device owner, int line, LineConfig config) {
        String r = "gpio" + line;
        claim(r, owner);
        return handle(r, inert(DigitalInput.class, "input " + line));
    }

    @Override
    public Handle<DigitalOutput> openOutput(Device owner, int line, LineConfig config, DigitalState offState) {
        String r = "gpio" + line;
        claim(r, owner);
        return handle(r, inert(DigitalOutput.class, "output " + line));
    }

    @Override
    public Handle<I2C> openI2c(Device owner, int bus, int address) {
        String r = String.format("i2c%d-0x%02x", bus, address);
        claim(r, owner);
        return handle(r, inert(I2C.class, r));
    }

    @Override
    public Handle<Irq> requestThreadedIrq(Device owner, DigitalInput input, Edge edge, Duration debounce,
            IrqHandler handler) {
        String name = "irq/" + input + "-" + owner.name();
        Irq irq = new Irq() {
            @Override
            public int line() {
                return -1;
            }

            @Override
            public String threadName() {
                return name;
            }

            @Override
            public long edges() {
                return 0;
            }

            @Override
            public long handled() {
                return 0;
            }

            @Override
            public long overflows() {
                return 0;
            }

            @Override
            public long debounced() {
                return 0;
            }

            @Override
            public Duration debounce() {
                return debounce;
            }

            @Override
            public void free() {
            }
        };
        return handle(name, irq);
    }

    /** A proxy answering toString with {@code label} and defaults for everything else. */
    @SuppressWarnings("unchecked")
    static <T> T inert(Class<T> type, String label) {
        return (T) Proxy.newProxyInstance(FakeBoard.class.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            switch (m.getName()) {
                case "toString":
                    return label;
                case "hashCode":
                    return System.identityHashCode(p);
                case "equals":
                    return p == args[0];
                default:
                    break;
            }
            Class<?> r = m.getReturnType();
            if (r == boolean.class) {
                return false;
            }
            if (r == int.class || r == long.class || r == short.class || r == byte.class || r == char.class
                    || r == float.class || r == double.class) {
                return r == long.class ? 0L : r == double.class ? 0.0 : r == float.class ? 0f
                        : r == short.class ? (short) 0 : r == byte.class ? (byte) 0 : r == char.class ? (char) 0 : 0;
            }
            return null;
        });
    }
}
