package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.host.HostConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh {@link DriverCore} per test, and the kthread leak check after it. */
abstract class CoreTestBase {
    /** Shared, ordered record of driver calls and board opens/closes. */
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final List<DriverCore.StateChange> events = Collections.synchronizedList(new ArrayList<>());
    /** Latches released at teardown so deliberately stuck threads end. */
    final List<CountDownLatch> releaseAtEnd = Collections.synchronizedList(new ArrayList<>());
    DriverCore core;
    long nextServiceId = 100;

    HostConfig config() {
        return new HostConfig(Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(5),
                Duration.ofSeconds(40));
    }

    @BeforeEach
    void startCore() {
        Await.noKthreads();
        core = new DriverCore(config());
        core.setListener(events::add);
    }

    @AfterEach
    void stopCore() {
        for (CountDownLatch l : releaseAtEnd) {
            l.countDown();
        }
        core.close();
        Await.noKthreads();
    }

    CountDownLatch stuckLatch() {
        CountDownLatch l = new CountDownLatch(1);
        releaseAtEnd.add(l);
        return l;
    }

    void idle() {
        try {
            assertTrue(core.awaitIdle(Duration.ofSeconds(30)), "core did not become idle");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static Map<String, Object> node(String name, Object compatible, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("compatible", compatible);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    TestDriver driver(String id, String... compatible) {
        return driver(id, 0, compatible);
    }

    TestDriver driver(String id, int ranking, String... compatible) {
        return register(newDriver(id), ranking, compatible);
    }

    /** A driver to configure before {@link #register registering} it (so no probe runs with default steps). */
    TestDriver newDriver(String id) {
        return new TestDriver(id, log);
    }

    TestDriver register(TestDriver d, int ranking, String... compatible) {
        core.addDriver(new DriverEntry(d.label, d, List.of(compatible), ranking, nextServiceId++, "test"));
        return d;
    }

    TestDriver register(TestDriver d, String... compatible) {
        return register(d, 0, compatible);
    }

    DeviceInfo info(String name) {
        return core.device(name).orElseThrow(() -> new AssertionError("no device " + name));
    }

    List<String> logMatching(String part) {
        synchronized (log) {
            return log.stream().filter(s -> s.contains(part)).toList();
        }
    }
}
