package io.kdrv.board.mock;

import static org.junit.jupiter.api.Assertions.fail;

import io.kdrv.driver.Device;
import io.kdrv.kthread.Kthreads;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

final class Support {
    private Support() {
    }

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

    static void await(String what, BooleanSupplier cond, Supplier<?> state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what + "; state: " + state.get());
            }
            LockSupport.parkNanos(200_000);
        }
    }

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
