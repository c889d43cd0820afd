package io.kdrv.board.internal;

import static org.junit.jupiter.api.Assertions.fail;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.provider.Provider;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;
import io.kdrv.board.BoardPlatform;
import io.kdrv.driver.Device;
import io.kdrv.kthread.Kthreads;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Test helpers: a Pi4J-mock platform (the board module cannot use kdrv-board-mock, which depends on it). */
final class TestSupport {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TestSupport() {
    }

    /** Plain Pi4J mock providers; inputs are driven with MockDigitalInput.mockState. */
    static BoardPlatform pi4jMock(int lines) {
        return pi4jMock(lines, new Provider[0]);
    }

    /** {@link #pi4jMock(int)} with more of Pi4J's mock providers (e.g. {@code MockSpiProvider.newInstance()}). */
    static BoardPlatform pi4jMock(int lines, Provider... extra) {
        return new BoardPlatform() {
            @Override
            public String name() {
                return "mock";
            }

            @Override
            public int lineCount() {
                return lines;
            }

            @Override
            public Context newContext() {
                return Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook()
                        .add(new MockPlatform())
                        .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance(),
                                MockI2CProvider.newInstance())
                        .add(extra)
                        .build();
            }
        };
    }

    /** A Device stub: the board only asks for the name. */
    static Device device(String name) {
        return (Device) Proxy.newProxyInstance(Device.class.getClassLoader(), new Class<?>[] {Device.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> name;
                    case "toString" -> "Device[" + name + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Bounded wait for a condition; fails with the message (and its current value) on timeout. */
    static void await(String what, BooleanSupplier cond, Supplier<?> state) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what + "; state: " + state.get());
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /** Lets at least {@code d} pass on the monotonic clock (simulated time between edges, not synchronisation). */
    static void elapse(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() - end < 0) {
            LockSupport.parkNanos(end - System.nanoTime());
        }
    }

    /** After each test: no kthread may be left (bounded wait for ones that are exiting). */
    static final class NoKthreadLeaks implements AfterEachCallback {
        @Override
        public void afterEach(ExtensionContext context) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (Kthreads.liveCount() != 0 && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(1_000_000);
            }
            if (Kthreads.liveCount() != 0) {
                fail(context.getDisplayName() + " leaked kthreads: " + Kthreads.list());
            }
        }
    }
}
