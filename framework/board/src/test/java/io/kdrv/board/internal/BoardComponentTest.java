package io.kdrv.board.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kdrv.board.BoardPlatform;
import io.kdrv.board.KdrvBoard;
import io.kdrv.kthread.Kthread;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The board component's lifecycle without OSGi: a fake bundle context that records registrations. */
@ExtendWith(TestSupport.NoKthreadLeaks.class)
class BoardComponentTest {
    private static final Map<String, Object> MOCK = Map.of(BoardPlatform.PLATFORM, "mock");

    /** A bundle context that records Board registrations and can call back into the component meanwhile. */
    static final class FakeContext {
        final List<KdrvBoard> registered = new CopyOnWriteArrayList<>();
        final AtomicInteger live = new AtomicInteger();
        final AtomicInteger maxLive = new AtomicInteger();
        /** Runs inside registerService/unregister, on the registering thread (a framework's service events). */
        volatile Runnable onServiceEvent = () -> { };

        BundleContext context() {
            return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {BundleContext.class}, (proxy, m, args) -> switch (m.getName()) {
                        case "getProperty" -> null;
                        case "addFrameworkListener", "removeFrameworkListener" -> null;
                        case "registerService" -> register((KdrvBoard) args[1]);
                        case "toString" -> "FakeBundleContext";
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        private ServiceRegistration<?> register(KdrvBoard board) {
            registered.add(board);
            maxLive.accumulateAndGet(live.incrementAndGet(), Math::max);
            onServiceEvent.run();
            boolean[] gone = {false};
            return (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ServiceRegistration.class}, (proxy, m, args) -> {
                        if (!m.getName().equals("unregister")) {
                            throw new UnsupportedOperationException(m.getName());
                        }
                        synchronized (gone) {
                            if (gone[0]) {
                                throw new IllegalStateException("already unregistered");
                            }
                            gone[0] = true;
                        }
                        live.decrementAndGet();
                        onServiceEvent.run();
                        return null;
                    });
        }
    }

    static Map<String, Object> config(int fifoCapacity) {
        return config("mock", fifoCapacity);
    }

    static Map<String, Object> config(String platform, int fifoCapacity) {
        return Map.of("platform", platform, IrqSettings.KEY_FIFO_CAPACITY, fifoCapacity);
    }

    @Test
    @Timeout(60)
    void aBadValueIsRejectedForItsKeyAloneAndTheBoardStaysUp() {
        FakeContext fake = new FakeContext();
        BoardComponent c = new BoardComponent();
        BoardPlatform mock = TestSupport.pi4jMock(28);
        c.addPlatform(mock, MOCK);
        c.activate(fake.context(), config(32));
        assertEquals(1, fake.registered.size());
        KdrvBoard first = fake.registered.getLast();

        // 2e9 would allocate a 2-billion-entry FIFO per IRQ (OutOfMemoryError); "abc" and a bad platform are typos.
        c.modified(Map.of("platform", "no such!", IrqSettings.KEY_FIFO_CAPACITY, 2e9,
                IrqSettings.KEY_KERNEL_BUFFER, "abc"));
        assertEquals(1, fake.registered.size(), "rejected values change nothing: the board is not reopened");
        assertEquals(1, fake.live.get());
        assertTrue(!first.isClosed(), "the board and its devices stay up");

        c.modified(Map.of("platform", "mock", IrqSettings.KEY_FIFO_CAPACITY, 64));
        assertEquals(2, fake.registered.size(), "a valid change still applies");
        assertEquals(1, fake.live.get());
        c.removePlatform(mock, MOCK);
        c.deactivate();
    }

    @Test
    void irqKeysAreCheckedOneByOne() {
        IrqSettings prev = new IrqSettings(32, 8, java.time.Duration.ofNanos(5000));
        List<String> problems = new java.util.ArrayList<>();
        IrqSettings s = IrqSettings.from(Map.of(IrqSettings.KEY_FIFO_CAPACITY, 2e9, IrqSettings.KEY_KERNEL_BUFFER,
                "abc", IrqSettings.KEY_KERNEL_DEBOUNCE, "250"), prev, problems);
        assertEquals(new IrqSettings(32, 8, java.time.Duration.ofNanos(250_000)), s);
        assertEquals(List.of(
                "configuration kdrv.board key 'irq.fifo.capacity': must be 1..65536, got 2000000000; keeping 32",
                "configuration kdrv.board key 'irq.kernel.buffer': expected an integer 0..1024, got String \"abc\"; "
                        + "keeping 8"), problems);
        problems.clear();
        assertEquals(IrqSettings.DEFAULTS, IrqSettings.from(Map.of(), prev, problems), "absent keys: defaults");
        assertEquals(List.of(), problems);
        IrqSettings.from(Map.of(IrqSettings.KEY_KERNEL_DEBOUNCE, 1_000_001), prev, problems);
        assertEquals(1, problems.size(), problems.toString());
    }

    /** Runs {@code body} on a kthread and waits (bounded) for it: a lock held by the caller would make it hang. */
    private static void onOtherKthread(String name, Runnable body) {
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Kthread t = Kthread.run(x -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                done.countDown();
            }
            return 0;
        }, null, "%s", name);
        try {
            if (!done.await(10, TimeUnit.SECONDS)) {
                fail(name + " did not finish: the component held its lock across a framework call");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        t.stop();
        if (failure.get() != null) {
            throw new AssertionError(name + " failed", failure.get());
        }
    }

    @Test
    @Timeout(60)
    void frameworkCallbacksFromOtherThreadsDoNotWaitForTheComponentsLock() {
        FakeContext fake = new FakeContext();
        BoardComponent c = new BoardComponent();
        BoardPlatform mock = TestSupport.pi4jMock(28);
        c.addPlatform(mock, MOCK);
        // As SCR does for dynamic references: service events reach the component again, here from another thread.
        fake.onServiceEvent = () -> onOtherKthread("callback", () -> c.modified(config(64)));
        c.activate(fake.context(), config(32));

        assertTrue(fake.registered.size() >= 1, "a board was registered: " + fake.registered);
        fake.onServiceEvent = () -> onOtherKthread("callback", () -> c.removePlatform(mock, MOCK));
        c.deactivate();

        assertEquals(0, fake.live.get(), "nothing registered after deactivate");
        assertEquals(1, fake.maxLive.get(), "never two boards at once");
        assertTrue(fake.registered.stream().allMatch(KdrvBoard::isClosed), "every board closed");
    }

    @Test
    @Timeout(60)
    void aPlatformServiceFromAnotherBundleIsSelectedAndReplacedOnChange() {
        FakeContext fake = new FakeContext();
        BoardComponent c = new BoardComponent();
        c.activate(fake.context(), config("beaglebone", 16));
        assertEquals(0, fake.live.get(), "no such platform yet: nothing registered, only a log line");

        BoardPlatform bone = TestSupport.pi4jMock(28);
        c.addPlatform(bone, Map.of(BoardPlatform.PLATFORM, "beaglebone"));
        assertEquals(1, fake.live.get(), "the service of another bundle is picked up");
        assertEquals("mock", fake.registered.getLast().platform(), "the board runs on that platform object");

        c.removePlatform(bone, Map.of(BoardPlatform.PLATFORM, "beaglebone"));
        assertEquals(0, fake.live.get(), "its board goes when the service goes");
        assertTrue(fake.registered.getLast().isClosed());
        c.deactivate();
    }

    @Test
    @Timeout(120)
    void concurrentActivateModifyDeactivateEndsConsistent() throws Exception {
        for (int round = 0; round < 20; round++) {
            FakeContext fake = new FakeContext();
            BoardComponent c = new BoardComponent();
            BoardPlatform mock = TestSupport.pi4jMock(28);
            CountDownLatch start = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(3);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            Runnable[] bodies = {
                () -> c.activate(fake.context(), config(16)),
                () -> {
                    for (int i = 0; i < 10; i++) {
                        c.modified(config(16 + i % 2));
                    }
                },
                () -> {
                    for (int i = 0; i < 5; i++) {
                        c.addPlatform(mock, MOCK);
                        c.removePlatform(mock, MOCK);
                    }
                    c.addPlatform(mock, MOCK);
                }
            };
            Kthread[] threads = new Kthread[bodies.length];
            for (int i = 0; i < bodies.length; i++) {
                Runnable body = bodies[i];
                threads[i] = Kthread.run(x -> {
                    try {
                        start.await();
                        body.run();
                    } catch (Throwable e) {
                        failures.add(e);
                    } finally {
                        done.countDown();
                    }
                    return 0;
                }, null, "race/%d", i);
            }
            start.countDown();
            assertTrue(done.await(30, TimeUnit.SECONDS), "round " + round + ": deadlock");
            for (Kthread t : threads) {
                t.stop();
            }
            assertEquals(List.of(), failures);

            // settled: the platform is there and active, so exactly one open board is registered
            assertEquals(1, fake.live.get(), "round " + round + ": one board registered");
            KdrvBoard last = fake.registered.getLast();
            assertTrue(!last.isClosed(), "the registered board is open");
            assertTrue(fake.registered.subList(0, fake.registered.size() - 1).stream().allMatch(KdrvBoard::isClosed),
                    "every replaced board was closed");

            c.deactivate();
            assertEquals(0, fake.live.get(), "round " + round + ": nothing registered after deactivate");
            assertEquals(1, fake.maxLive.get(), "round " + round + ": never two boards at once");
            assertTrue(fake.registered.stream().allMatch(KdrvBoard::isClosed), "every board closed");
        }
    }
}
