package io.kdrv.itest.hotplug;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.board.LineInfo;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.kthread.KthreadInfo;
import io.kdrv.kthread.Kthreads;
import io.kdrv.testing.await.Await;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.framework.Bundle;

/**
 * Randomised lifecycles: seeded sequences of driver bundle install/update/stop/start/uninstall, node add/remove,
 * bind/unbind and mock edges. After each step, once the manager is idle, the invariants hold:
 * <ul>
 * <li>every device: {@code probes - removes} is 0 or 1, and 1 exactly when it is BOUND;</li>
 * <li>kthreads owned by test devices belong to BOUND devices only, and every BOUND device has its driver thread
 *     (and its IRQ thread when it asked for one): no leaked, no missing kthread;</li>
 * <li>every claimed line is claimed once, by a BOUND device whose node names it.</li>
 * </ul>
 * The seed is printed; rerun one with {@code -Dkdrv.hotplug.seed=N} (replaces the fixed seeds).
 */
class RandomLifecycleTest extends HotplugTestBase {
    private static final int STEPS = 200;
    private static final int NODES = 5;

    private final Map<String, Integer> nodeLine = new TreeMap<>();
    private final Map<String, Boolean> nodeIrq = new TreeMap<>();
    private int driverVersion;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {20261123L, 0x5EEDL, 42L})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void randomLifecycleKeepsTheInvariants(long fixedSeed) throws Exception {
        long seed = Long.getLong("kdrv.hotplug.seed", fixedSeed);
        System.out.printf("[random lifecycle] seed %d, %d steps%n", seed, STEPS);
        Random random = new Random(seed);
        Map<String, Integer> counts = new TreeMap<>();
        List<String> history = new ArrayList<>();
        int stepsWithBound = 0;
        for (int step = 0; step < STEPS; step++) {
            String action = step(random);
            counts.merge(action.split(" ")[0], 1, Integer::sum);
            history.add(step + ": " + action);
            try {
                checkInvariants();
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", after step " + action + "; last steps: "
                        + history.subList(Math.max(0, history.size() - 12), history.size()) + ": " + e.getMessage(), e);
            }
            if (manager.devices().stream().anyMatch(d -> d.name().startsWith("hp-r") && d.state() == DeviceState.BOUND)) {
                stepsWithBound++;
            }
        }
        long bound = manager.devices().stream().filter(d -> d.state() == DeviceState.BOUND).count();
        System.out.printf("[random lifecycle] seed %d: invariants held after all %d steps; actions %s; "
                + "%d steps ended with a bound device; %d bound at the end%n", seed, STEPS, counts, stepsWithBound, bound);
    }

    /** Performs one random action and names it. */
    private String step(Random random) throws Exception {
        Optional<Bundle> driver = driverBundles().stream().findFirst();
        String name = "hp-r" + random.nextInt(NODES);
        int action = random.nextInt(100);
        if (action < 12) {
            if (driver.isEmpty()) {
                installDriver(nextJar());
                return "install";
            }
            driver.get().uninstall();
            return "uninstall";
        }
        if (action < 20) {
            if (driver.isEmpty()) {
                return "update-skipped";
            }
            driver.get().update(new ByteArrayInputStream(nextJar()));
            if (driver.get().getState() == Bundle.ACTIVE) {
                awaitDriverRegistered();
            }
            return "update";
        }
        if (action < 27) {
            if (driver.isEmpty()) {
                return "stopstart-skipped";
            }
            Bundle b = driver.get();
            if (b.getState() == Bundle.ACTIVE) {
                b.stop();
                return "stop";
            }
            b.start();
            awaitDriverRegistered();
            return "start";
        }
        if (action < 52) {
            if (hasNode(name)) {
                deleteNode(name);
                nodeLine.remove(name);
                nodeIrq.remove(name);
                Await.until("device " + name + " removed", () -> manager.device(name).isEmpty());
                return "node-remove " + name;
            }
            // lines 12..15 for five nodes: sometimes two nodes want one line, and the second must fail cleanly
            int line = 12 + random.nextInt(4);
            boolean irq = random.nextBoolean();
            createNode(name, "gpios", new int[] {line}, "irq", irq);
            nodeLine.put(name, line);
            nodeIrq.put(name, irq);
            Await.until("device " + name + " added", () -> manager.device(name).isPresent());
            return "node-add " + name + " gpio " + line + (irq ? " irq" : "");
        }
        if (action < 72) {
            Optional<DeviceInfo> d = manager.device(name);
            if (d.isEmpty()) {
                return "bind-skipped";
            }
            try {
                if (d.get().state() == DeviceState.BOUND) {
                    manager.unbind(name);
                    return "unbind " + name;
                }
                manager.bind(name, null);
                return "bind " + name;
            } catch (IllegalArgumentException | IllegalStateException expected) {
                // no driver present, or the state changed under us: a clear refusal is the right answer
                return "bind-refused " + name + ": " + expected.getMessage();
            }
        }
        int line = 12 + random.nextInt(4);
        boolean high = random.nextBoolean();
        simulator.setInput(line, high);
        return "edge gpio " + line + "=" + (high ? 1 : 0);
    }

    private byte[] nextJar() {
        driverVersion++;
        return driverJar("0.1.0.r" + driverVersion);
    }

    private void checkInvariants() throws InterruptedException {
        awaitIdle();
        // devres release runs inside the manager's steps; a bounded poll only covers a thread in its last instant
        Await.until("invariants", () -> violations().isEmpty(), () -> String.join("; ", violations()));
    }

    /** Every invariant broken right now, described. */
    private List<String> violations() {
        List<String> problems = new ArrayList<>();
        List<DeviceInfo> devices = manager.devices().stream().filter(d -> d.name().startsWith("hp-r")).toList();
        Set<String> boundNames = new HashSet<>();
        for (DeviceInfo d : devices) {
            long outstanding = d.probes() - d.removes();
            boolean isBound = d.state() == DeviceState.BOUND;
            if (outstanding != (isBound ? 1 : 0)) {
                problems.add(d.name() + ": probes " + d.probes() + " removes " + d.removes() + " in state " + d.state());
            }
            if (isBound) {
                boundNames.add(d.name());
            }
            if (d.state() == DeviceState.PROBING || d.state() == DeviceState.REMOVING) {
                problems.add(d.name() + " still " + d.state() + " while the manager is idle");
            }
        }
        Map<String, List<String>> threadsByDevice = Kthreads.list().stream()
                .filter(k -> k.owner() != null && k.owner().startsWith("device hp-r"))
                .collect(Collectors.groupingBy(k -> k.owner().substring("device ".length()),
                        Collectors.mapping(KthreadInfo::name, Collectors.toList())));
        threadsByDevice.forEach((dev, threads) -> {
            if (!boundNames.contains(dev)) {
                problems.add("kthreads " + threads + " of " + dev + ", which is not bound");
            }
        });
        for (String dev : boundNames) {
            List<String> threads = threadsByDevice.getOrDefault(dev, List.of());
            if (!threads.contains("testdrv/" + dev)) {
                problems.add("bound " + dev + " has no testdrv thread: " + threads);
            }
            boolean irq = nodeIrq.getOrDefault(dev, false);
            long irqThreads = threads.stream().filter(t -> t.startsWith("irq/")).count();
            if (irqThreads != (irq ? 1 : 0)) {
                problems.add("bound " + dev + (irq ? " lacks its IRQ thread: " : " has IRQ threads: ") + threads);
            }
        }
        Set<Integer> seen = new HashSet<>();
        for (LineInfo l : testLines()) {
            if (!seen.add(l.line())) {
                problems.add("GPIO " + l.line() + " listed twice: " + board.lines());
            }
            if (!boundNames.contains(l.owner())) {
                problems.add("GPIO " + l.line() + " claimed by " + l.owner() + ", which is not bound");
            } else if (!Integer.valueOf(l.line()).equals(nodeLine.get(l.owner()))) {
                problems.add("GPIO " + l.line() + " claimed by " + l.owner() + ", whose node names " + nodeLine.get(l.owner()));
            }
        }
        for (String dev : boundNames) {
            Integer want = nodeLine.get(dev);
            if (testLines().stream().noneMatch(l -> l.line() == want && l.owner().equals(dev))) {
                problems.add("bound " + dev + " does not hold its GPIO " + want);
            }
        }
        return problems;
    }
}
