package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.DriverInfo;
import io.kdrv.driver.ProbeDeferredException;
import io.kdrv.kthread.Completion;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadInfo;
import io.kdrv.kthread.Kthreads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Matching, probe/remove threads, deferred probe, failures, removal paths and DeviceManager operations. */
class DriverCoreTest extends CoreTestBase {

    // ------------------------------------------------------------------------------------------------ matching

    @Test
    void firstCompatibleEntryWinsOverDriverRanking() {
        driver("b/generic", 100, "gpio-keys");
        driver("b/specific", 0, "acme,key-v2");
        core.nodeUpdated("pid-k0", node("k0", new String[] {"acme,key-v2", "gpio-keys"}));
        core.nodeUpdated("pid-k1", node("k1", new String[] {"acme,key-v1", "gpio-keys"}));
        idle();
        assertEquals("b/specific", info("k0").driver());
        assertEquals("b/generic", info("k1").driver(), "the first entry some driver supports wins");
        assertEquals(DeviceState.BOUND, info("k1").state());
    }

    @Test
    void tiesGoToHighestRankingThenLowestServiceId() {
        core.addDriver(new DriverEntry("x/rank0", newDriver("x/rank0"), List.of("leds"), 0, 10, "t"));
        core.addDriver(new DriverEntry("x/rank5-later", newDriver("x/rank5-later"), List.of("leds"), 5, 12, "t"));
        core.addDriver(new DriverEntry("x/rank5-earlier", newDriver("x/rank5-earlier"), List.of("leds"), 5, 11, "t"));
        core.nodeUpdated("p1", node("led0", "leds"));
        core.nodeUpdated("p2", node("led1", "leds", "driver", "x/rank0"));
        core.nodeUpdated("p3", node("led2", "other", "driver", "x/rank0"));
        idle();
        assertEquals("x/rank5-earlier", info("led0").driver());
        assertEquals("x/rank0", info("led1").driver(), "node key 'driver' forces the driver");
        assertEquals("x/rank0", info("led2").driver(), "a forced driver bypasses compatible matching");
    }

    @Test
    void unmatchedNodeStaysUnboundUntilADriverArrives() {
        core.nodeUpdated("p1", node("env0", "bosch,bme280", "reg", "0x76"));
        idle();
        assertEquals(DeviceState.UNBOUND, info("env0").state());
        assertNull(info("env0").driver());
        driver("d/bme280", "bosch,bme280");
        idle();
        assertEquals(DeviceState.BOUND, info("env0").state());
        assertEquals(List.of(new DriverInfo("d/bme280", List.of("bosch,bme280"), "test", List.of("env0"))),
                core.drivers());
    }

    @Test
    void devicesThatFailedAreRetriedWhenTheCoreConfigurationIsFixed() {
        core.close();
        core = new DriverCore(config().withProbeTimeout(Duration.ofMillis(300)));
        java.util.concurrent.CountDownLatch slow = stuckLatch();
        java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();
        TestDriver d = newDriver("d/slow");
        d.onProbe = dev -> {
            if (probes.incrementAndGet() == 1) {
                slow.await(); // longer than the (too short) probe timeout
            }
        };
        register(d, "x");
        core.nodeUpdated("p1", node("x0", "x"));
        idle();
        assertEquals(DeviceState.FAILED, info("x0").state());
        core.reconfigure(config().withProbeTimeout(Duration.ofMillis(300))); // unchanged: no retry
        idle();
        assertEquals(DeviceState.FAILED, info("x0").state());
        core.reconfigure(config());
        idle();
        assertEquals(DeviceState.BOUND, info("x0").state(), "the fix retries the failed probe");
        assertEquals(2, probes.get());
    }

    @Test
    void aForcedDriverThatDoesNotExistIsTheReasonShown() {
        driver("d/keys", "gpio-keys");
        core.nodeUpdated("p1", node("k0", "gpio-keys", "driver", "d/typo"));
        idle();
        assertEquals(DeviceState.UNBOUND, info("k0").state());
        assertEquals("waiting for driver \"d/typo\" (forced by node key 'driver'; registered drivers: [d/keys])",
                info("k0").reason());
        assertEquals(List.of("k0"), core.deferred().stream().map(DeviceInfo::name).toList(),
                "kdrv:deferred lists it with that reason");
        driver("d/typo", "other");
        idle();
        assertEquals(DeviceState.BOUND, info("k0").state(), "the forced driver arriving binds it");
        assertNull(info("k0").reason());
        assertEquals(List.of(), core.deferred());
    }

    // ------------------------------------------------------------------------------------------------ threads

    @Test
    void probeAndRemoveRunOnKthreadsSerialisedByTheProbeWorker() {
        AtomicReference<String> owner = new AtomicReference<>();
        TestDriver d = newDriver("d/keys");
        d.onProbe = dev -> owner.set(Kthread.current().owner());
        register(d, "gpio-keys");
        assertTrue(Kthreads.list().stream().map(KthreadInfo::name).anyMatch("kdrv-probe"::equals),
                "probe worker kthread kdrv-probe is running");
        core.nodeUpdated("p1", node("button0", "gpio-keys"));
        idle();
        core.nodeDeleted("p1");
        idle();
        assertEquals(List.of("d/keys probe button0 on kdrv-probe", "d/keys remove button0 on kdrv-probe"), log,
                "probe and remove ran on the probe worker itself, as Linux runs probe in the caller's context");
        assertEquals("device button0", owner.get());
        assertTrue(core.device("button0").isEmpty());
    }

    @Test
    void removeAndTheDevresReleaseShareOneCallKthreadHandOff() {
        TestDriver d = newDriver("d/r");
        d.onProbe = dev -> dev.addAction(() -> log.add("released on " + TestDriver.thread()));
        register(d, "r");
        core.nodeUpdated("p1", node("r0", "r"));
        idle();
        core.nodeDeleted("p1");
        idle();
        assertEquals(List.of("d/r probe r0 on kdrv-probe", "d/r remove r0 on kdrv-probe",
                "released on kdrv-probe"), log, "no hand-off to another kthread");
    }

    @Test
    void blockingManagerCallsFromProbeAreRefused() {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        TestDriver d = newDriver("d/x");
        d.onProbe = dev -> thrown.set(assertThrows(IllegalStateException.class, () -> core.bind("other", null)));
        register(d, "x");
        core.nodeUpdated("p1", node("x0", "x"));
        idle();
        assertTrue(thrown.get().getMessage().contains("kdrv-probe"), thrown.get().getMessage());
        assertEquals(DeviceState.BOUND, info("x0").state());
    }

    // ------------------------------------------------------------------------------------------------ deferred

    @Test
    void deferredProbeIsRetriedWhenAnotherDeviceBinds() {
        AtomicBoolean supplyReady = new AtomicBoolean();
        TestDriver consumer = newDriver("d/consumer");
        consumer.onProbe = dev -> {
            if (!supplyReady.get()) {
                throw new ProbeDeferredException("waiting for regulator vdd0");
            }
        };
        TestDriver supply = newDriver("d/supply");
        supply.onProbe = dev -> supplyReady.set(true);
        register(consumer, "acme,sensor");
        register(supply, "regulator-fixed");
        core.nodeUpdated("p1", node("sensor0", "acme,sensor"));
        idle();
        DeviceInfo deferred = info("sensor0");
        assertEquals(DeviceState.DEFERRED, deferred.state());
        assertEquals("waiting for regulator vdd0", deferred.reason());
        assertEquals("d/consumer", deferred.driver());
        assertEquals(List.of("sensor0"), core.deferred().stream().map(DeviceInfo::name).toList());

        core.nodeUpdated("p2", node("vdd0", "regulator-fixed"));
        idle();
        assertEquals(DeviceState.BOUND, info("vdd0").state());
        assertEquals(DeviceState.BOUND, info("sensor0").state(), "retried after vdd0 bound");
        assertNull(info("sensor0").reason());
        assertTrue(core.deferred().isEmpty());
        assertEquals(List.of(DeviceState.DEFERRED, DeviceState.BOUND, DeviceState.BOUND),
                events.stream().map(DriverCore.StateChange::state).toList());
    }

    @Test
    void deferredDevicesKeepTheirResourcesReleasedBetweenAttempts() {
        AtomicBoolean ready = new AtomicBoolean();
        TestDriver d = newDriver("d/defer");
        d.onProbe = dev -> {
            dev.addAction(() -> log.add("released attempt"));
            dev.kthreadRun(x -> {
                while (!Kthread.shouldStop()) {
                    Kthread.sleep(Duration.ofSeconds(10));
                }
                return 0;
            }, null, "defer-worker/%s", dev.name());
            if (!ready.get()) {
                throw new ProbeDeferredException("not yet");
            }
        };
        register(d, "deferring");
        TestDriver trigger = newDriver("d/trigger");
        trigger.onProbe = dev -> ready.set(true);
        register(trigger, "trigger");
        core.nodeUpdated("p1", node("a", "deferring"));
        idle();
        assertEquals(DeviceState.DEFERRED, info("a").state());
        assertEquals(1, logMatching("released attempt").size());
        assertEquals(2, Kthreads.liveCount(), "only kdrv-probe and kdrv-watchdog: the deferred attempt's kthread was stopped");
        core.nodeUpdated("p2", node("b", "trigger"));
        idle();
        assertEquals(DeviceState.BOUND, info("a").state());
    }

    // ------------------------------------------------------------------------------------------------ failure

    @Test
    void probeFailureUnwindsDevresInReverseOrder() {
        FakeBoard board = new FakeBoard(log);
        core.setBoard(board);
        TestDriver d = newDriver("d/fails");
        d.onProbe = dev -> {
            dev.addAction(() -> log.add("release action 1"));
            dev.gpioInput("gpios", 0);
            Kthread k = dev.kthreadRun(x -> {
                while (!Kthread.shouldStop()) {
                    Kthread.sleep(Duration.ofSeconds(10));
                }
                log.add("kthread poll/" + dev.name() + " stopped");
                return 0;
            }, null, "poll/%s", dev.name());
            assertEquals("device sensor0", k.owner());
            dev.gpioOutput("gpios", 1);
            dev.addAction(() -> log.add("release action 2"));
            throw new IllegalStateException("chip id 0x00 does not match 0x60");
        };
        register(d, "acme,sensor");
        core.nodeUpdated("p1", node("sensor0", "acme,sensor", "gpios", new int[] {5, 6}));
        idle();
        DeviceInfo i = info("sensor0");
        assertEquals(DeviceState.FAILED, i.state());
        assertEquals("chip id 0x00 does not match 0x60", i.reason());
        assertEquals("d/fails", i.driver());
        assertEquals(List.of("open gpio5", "open gpio6", "release action 2", "close gpio6",
                "kthread poll/sensor0 stopped", "close gpio5", "release action 1"),
                log.stream().filter(s -> !s.contains(" probe ")).toList());
        assertTrue(board.owners().isEmpty(), "pins released");
        assertEquals(0, i.probes());
    }

    @Test
    void failedDeviceIsRetriedOnlyByBindNodeChangeOrDriverChange() {
        AtomicBoolean broken = new AtomicBoolean(true);
        TestDriver d = newDriver("d/flaky");
        d.onProbe = dev -> {
            if (broken.get()) {
                throw new java.io.IOException("i2c read failed");
            }
        };
        register(d, "flaky");
        core.nodeUpdated("p1", node("f0", "flaky"));
        core.nodeUpdated("p2", node("other", "unrelated"));
        idle();
        assertEquals(DeviceState.FAILED, info("f0").state());
        driver("d/unrelated", "unrelated"); // a successful probe elsewhere does not retry FAILED devices
        idle();
        assertEquals(DeviceState.BOUND, info("other").state());
        assertEquals(DeviceState.FAILED, info("f0").state());
        broken.set(false);
        DeviceInfo after = core.bind("f0", null);
        assertEquals(DeviceState.BOUND, after.state());
        assertEquals(1, after.probes());
    }

    @Test
    void probeTimeoutFailsTheDeviceReportsTheThreadAndOthersKeepProbing() {
        core.close();
        core = new DriverCore(config().withProbeTimeout(Duration.ofMillis(1000)));
        java.util.concurrent.CountDownLatch hang = stuckLatch();
        Completion returned = new Completion();
        AtomicReference<Throwable> late = new AtomicReference<>();
        TestDriver stuck = newDriver("d/stuck");
        stuck.onProbe = dev -> {
            dev.addAction(() -> log.add("stuck probe's early action released"));
            try {
                hang.await(); // blocks outside any kdrv wait: not woken by anything the core does
                late.set(assertThrows(IllegalStateException.class, () -> dev.addAction(() -> { })));
            } finally {
                returned.complete();
            }
        };
        register(stuck, "stuck");
        driver("d/fine", "fine");
        core.nodeUpdated("p1", node("s0", "stuck"));
        core.nodeUpdated("p2", node("f0", "fine"));
        idle();
        DeviceInfo s0 = info("s0");
        assertEquals(DeviceState.FAILED, s0.state());
        assertTrue(s0.reason().contains("s0") && s0.reason().contains("d/stuck") && s0.reason().contains("1000 ms"),
                s0.reason());
        assertEquals(DeviceState.BOUND, info("f0").state(), "the next device was probed");
        assertEquals(List.of("stuck probe's early action released"), logMatching("released"));
        StuckThreadReport r = core.stuckThreads().getFirst();
        assertEquals("kdrv-probe", r.thread());
        assertEquals("s0", r.device());
        assertEquals("probe by driver d/stuck", r.what());
        assertTrue(s0.reason().contains("kthread kdrv-probe abandoned"), s0.reason());
        assertEquals(List.of("d/fine probe f0 on kdrv-probe/2"), logMatching("d/fine probe"),
                "a fresh probe worker replaced the abandoned one");
        assertTrue(r.stack().stream().anyMatch(e -> e.getMethodName().equals("await")), r.stack().toString());

        hang.countDown();
        assertTrue(waitFor(returned));
        assertTrue(late.get().getMessage().contains("s0"), "a late request of the abandoned probe is refused");
    }

    // ------------------------------------------------------------------------------------------------ removal

    @Test
    void nodeDeletionRemovesTheDeviceAndReleasesItsResources() {
        FakeBoard board = new FakeBoard(log);
        core.setBoard(board);
        TestDriver d = newDriver("d/keys");
        d.onProbe = dev -> {
            dev.gpioInput("gpios");
            dev.setDriverData("state");
        };
        AtomicReference<Object> dataInRemove = new AtomicReference<>();
        d.onRemove = dev -> dataInRemove.set(dev.driverData(String.class));
        register(d, "gpio-keys");
        core.nodeUpdated("p1", node("button0", "gpio-keys", "gpios", 17));
        idle();
        assertEquals(java.util.Map.of("gpio17", "button0"), board.owners());
        core.nodeDeleted("p1");
        idle();
        assertEquals("state", dataInRemove.get());
        assertTrue(core.device("button0").isEmpty());
        assertTrue(board.owners().isEmpty());
        assertEquals(List.of("open gpio17", "close gpio17"), logMatching("gpio"));
        assertEquals(DeviceState.UNBOUND, events.getLast().state());
    }

    @Test
    void driverRemovalWaitsUntilRemoveAndReleaseFinished() throws Exception {
        java.util.concurrent.CountDownLatch allowRemove = stuckLatch();
        Completion removeEntered = new Completion();
        TestDriver d = newDriver("d/slow");
        d.onProbe = dev -> dev.addAction(() -> log.add("devres released"));
        d.onRemove = dev -> {
            removeEntered.complete();
            allowRemove.await();
            log.add("remove finished");
        };
        register(d, "slow");
        core.nodeUpdated("p1", node("s0", "slow"));
        idle();
        Completion returned = new Completion();
        Kthread caller = Kthread.run(x -> {
            boolean ok = core.removeDriver("d/slow"); // what the OSGi unbind does on the stopping bundle's thread
            log.add("removeDriver returned " + ok);
            returned.complete();
            return 0;
        }, null, "test-unregister");
        assertTrue(waitFor(removeEntered));
        assertFalse(returned.completionDone(), "removeDriver must not return while remove runs");
        assertEquals(DeviceState.REMOVING, info("s0").state());
        allowRemove.countDown();
        assertTrue(waitFor(returned));
        caller.stop();
        assertEquals(List.of("remove finished", "devres released", "removeDriver returned true"),
                log.stream().filter(s -> !s.contains(" on ")).toList());
        assertEquals(DeviceState.UNBOUND, info("s0").state());
        assertTrue(core.drivers().isEmpty());
    }

    @Test
    void removedDriverHandsItsDevicesToTheNextMatch() {
        driver("d/generic", "gpio-keys");
        driver("d/special", "acme,keys");
        core.nodeUpdated("p1", node("k0", new String[] {"acme,keys", "gpio-keys"}));
        idle();
        assertEquals("d/special", info("k0").driver());
        assertTrue(core.removeDriver("d/special"));
        idle();
        assertEquals("d/generic", info("k0").driver());
        assertEquals(2, info("k0").probes());
        assertEquals(1, info("k0").removes());
    }

    @Test
    void unbindKeepsTheDeviceUnboundUntilBind() {
        TestDriver d = driver("d/keys", "gpio-keys");
        core.nodeUpdated("p1", node("k0", "gpio-keys"));
        idle();
        DeviceInfo u = core.unbind("k0");
        assertEquals(DeviceState.UNBOUND, u.state());
        assertEquals(1, u.removes());
        core.removeDriver("d/keys");
        register(d, "gpio-keys");
        idle();
        assertEquals(DeviceState.UNBOUND, info("k0").state(), "a manually unbound device is not auto-probed");
        assertEquals(DeviceState.BOUND, core.bind("k0", "d/keys").state());
        assertThrows(IllegalStateException.class, () -> core.bind("k0", null));
    }

    @Test
    void bindAndUnbindRejectBadArgumentsNamingThem() {
        driver("d/keys", "gpio-keys");
        core.nodeUpdated("p1", node("env0", "bosch,bme280"));
        idle();
        IllegalArgumentException noDev = assertThrows(IllegalArgumentException.class, () -> core.bind("nope", null));
        assertTrue(noDev.getMessage().contains("nope"), noDev.getMessage());
        IllegalArgumentException noDrv = assertThrows(IllegalArgumentException.class, () -> core.bind("env0", "d/x"));
        assertTrue(noDrv.getMessage().contains("d/x") && noDrv.getMessage().contains("d/keys"), noDrv.getMessage());
        IllegalArgumentException incompatible =
                assertThrows(IllegalArgumentException.class, () -> core.bind("env0", "d/keys"));
        assertTrue(incompatible.getMessage().contains("not compatible with device env0"), incompatible.getMessage());
        IllegalArgumentException noMatch = assertThrows(IllegalArgumentException.class, () -> core.bind("env0", null));
        assertTrue(noMatch.getMessage().contains("bosch,bme280"), noMatch.getMessage());
        assertThrows(IllegalArgumentException.class, () -> core.unbind("nope"));
    }

    @Test
    void removeThatThrowsStillReleasesResources() {
        TestDriver d = newDriver("d/bad-remove");
        d.onProbe = dev -> dev.addAction(() -> log.add("released"));
        d.onRemove = dev -> {
            throw new IllegalStateException("remove failed");
        };
        register(d, "x");
        core.nodeUpdated("p1", node("x0", "x"));
        idle();
        core.nodeDeleted("p1");
        idle();
        assertEquals(List.of("released"), logMatching("released"));
    }

    @Test
    void hungRemoveIsAbandonedAndResourcesAreStillReleased() {
        core.close();
        core = new DriverCore(config().withRemoveTimeout(Duration.ofMillis(1000)));
        java.util.concurrent.CountDownLatch hang = stuckLatch();
        TestDriver d = newDriver("d/hung-remove");
        d.onProbe = dev -> dev.addAction(() -> log.add("released on " + TestDriver.thread()));
        d.onRemove = dev -> hang.await();
        register(d, "x");
        core.nodeUpdated("p1", node("x0", "x"));
        idle();
        assertTrue(core.removeDriver("d/hung-remove"));
        assertEquals(DeviceState.UNBOUND, info("x0").state());
        assertEquals(List.of("released on kdrv-probe/2"), logMatching("released"),
                "the hung probe worker never releases; the fresh one does");
        assertEquals("kdrv-probe", core.stuckThreads().getFirst().thread());
        assertEquals("remove by driver d/hung-remove", core.stuckThreads().getFirst().what());
    }

    // ------------------------------------------------------------------------------------------------ devres threads

    @Test
    void forgottenKthreadsAndWorkersAreStoppedByDevres() {
        int baseline = Kthreads.liveCount(); // kdrv-probe
        TestDriver d = newDriver("d/leaky");
        d.onProbe = dev -> {
            dev.kthreadRun(x -> {
                while (!Kthread.shouldStop()) {
                    Kthread.sleep(Duration.ofSeconds(10));
                }
                return 0;
            }, null, "leaky/%s", dev.name());
            dev.kthreadCreate(x -> 0, null, "never-woken/%s", dev.name());
            dev.createWorker("wq/%s", dev.name()).queueWork(new io.kdrv.kthread.KthreadWork(() -> log.add("work ran")));
        };
        register(d, "leaky");
        core.nodeUpdated("p1", node("l0", "leaky"));
        idle();
        assertEquals(baseline + 1 + 3, Kthreads.liveCount(), "kdrv-watchdog and the driver's 3 kthreads");
        assertEquals(3, Kthreads.list().stream().filter(k -> "device l0".equals(k.owner())).count());
        core.nodeDeleted("p1");
        idle();
        assertEquals(baseline + 1, Kthreads.liveCount(), "only the watchdog is left");
        assertEquals(List.of("work ran"), logMatching("work ran"), "queued work drained before the worker stopped");
    }

    @Test
    void kthreadIgnoringStopIsReportedAndShutdownStaysBounded() throws InterruptedException {
        core.close();
        core = new DriverCore(config().withStopTimeout(Duration.ofMillis(200)));
        java.util.concurrent.CountDownLatch hang = stuckLatch();
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        TestDriver d = newDriver("d/stubborn");
        d.onProbe = dev -> {
            dev.kthreadRun(x -> {
                running.countDown();
                hang.await(); // ignores shouldStop and is not in a kdrv wait
                return 0;
            }, null, "stubborn/%s", dev.name());
            dev.addAction(() -> log.add("action released"));
        };
        register(d, "stubborn");
        driver("d/fine", "fine");
        core.nodeUpdated("p1", node("s0", "fine"));
        core.nodeUpdated("p2", node("s1", "stubborn"));
        core.nodeUpdated("p3", node("s2", "fine"));
        idle();
        // a stop() that overtakes the start skips the function (kthread_stop semantics): let it run first
        assertTrue(running.await(30, java.util.concurrent.TimeUnit.SECONDS));
        long start = System.nanoTime();
        core.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "shutdown took " + took);
        StuckThreadReport r = core.stuckThreads().getFirst();
        assertEquals("stubborn/s1", r.thread());
        assertEquals("kthread stop", r.what());
        assertTrue(r.stack().stream().anyMatch(e -> e.getMethodName().equals("await")), r.stack().toString());
        assertEquals(List.of("action released"), logMatching("released"));
        assertEquals(List.of("d/fine remove s2", "d/stubborn remove s1", "d/fine remove s0"),
                log.stream().filter(s -> s.contains(" remove ")).map(s -> s.substring(0, s.indexOf(" on "))).toList(),
                "reverse probe order");
        assertEquals(1, Kthreads.liveCount(), "only the stubborn thread is left, and it was reported");
        hang.countDown();
    }

    @Test
    void resourcesAreRefusedOutsideProbingAndBound() {
        AtomicReference<Device> kept = new AtomicReference<>();
        TestDriver d = newDriver("d/keep");
        d.onProbe = kept::set;
        register(d, "k");
        core.nodeUpdated("p1", node("k0", "k"));
        idle();
        core.unbind("k0");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> kept.get().addAction(() -> { }));
        assertTrue(e.getMessage().contains("k0") && e.getMessage().contains("UNBOUND"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> kept.get().kthreadRun(x -> 0, null, "nope"));
        assertEquals(2, Kthreads.liveCount(), "kdrv-probe and kdrv-watchdog");
    }

    // ------------------------------------------------------------------------------------------------ nodes

    @Test
    void duplicateNameIsRejectedNamingTheFirstNodeAndAcceptedOnceFree() {
        driver("d/keys", "gpio-keys");
        core.nodeUpdated("kdrv.device~a", node("button0", "gpio-keys"));
        core.nodeUpdated("kdrv.device~b", node("button0", "gpio-keys", "gpios", 22));
        core.nodeUpdated("kdrv.device~c", node("button1", "gpio-keys"));
        idle();
        List<String> problems = core.rejectedNodes().get("kdrv.device~b");
        assertEquals(List.of("key 'name': duplicate name 'button0': already used by node kdrv.device~a"), problems);
        assertEquals(DeviceState.BOUND, info("button1").state(), "the other nodes keep working");
        core.nodeDeleted("kdrv.device~a");
        idle();
        assertEquals(22, info("button0").properties().get("gpios"));
        assertEquals(DeviceState.BOUND, info("button0").state());
        assertTrue(core.rejectedNodes().isEmpty());
    }

    @Test
    void invalidNodeIsKeptAsideUntilFixed() {
        driver("d/keys", "gpio-keys");
        List<String> problems = core.nodeUpdated("pid1", node("bad name", "gpio-keys"));
        assertEquals(1, problems.size());
        idle();
        assertTrue(core.devices().isEmpty());
        assertEquals(problems, core.rejectedNodes().get("pid1"));
        assertTrue(core.nodeUpdated("pid1", node("good", "gpio-keys")).isEmpty());
        idle();
        assertEquals(DeviceState.BOUND, info("good").state());
        assertTrue(core.rejectedNodes().isEmpty());
    }

    @Test
    void nodeChangeReprobesAndAnIdenticalUpdateIsIgnored() {
        AtomicReference<int[]> seen = new AtomicReference<>();
        TestDriver d = newDriver("d/keys");
        d.onProbe = dev -> seen.set(dev.getIntArray("gpios"));
        register(d, "gpio-keys");
        core.nodeUpdated("p1", node("k0", "gpio-keys", "gpios", new int[] {17}));
        core.nodeUpdated("p1", node("k0", "gpio-keys", "gpios", new int[] {17}));
        idle();
        assertEquals(1, info("k0").probes());
        core.nodeUpdated("p1", node("k0", "gpio-keys", "gpios", new int[] {27}));
        idle();
        assertEquals(2, info("k0").probes());
        assertEquals(1, info("k0").removes());
        assertEquals(27, seen.get()[0]);
        core.nodeUpdated("p1", node("k1", "gpio-keys", "gpios", new int[] {27}));
        idle();
        assertTrue(core.device("k0").isEmpty(), "renamed node: old device removed");
        assertEquals(DeviceState.BOUND, info("k1").state());
    }

    // ------------------------------------------------------------------------------------------------ board

    @Test
    void withoutBoardGpioProbeDefersAndIsRetriedWhenTheBoardAppears() {
        TestDriver d = newDriver("d/keys");
        d.onProbe = dev -> dev.gpioInput("gpios", 1);
        register(d, "gpio-keys");
        core.nodeUpdated("p1", node("k0", "gpio-keys", "gpios", "17, 0x1b"));
        idle();
        assertEquals(DeviceState.DEFERRED, info("k0").state());
        assertEquals("no board service", info("k0").reason());
        FakeBoard board = new FakeBoard(log);
        core.setBoard(board);
        idle();
        assertEquals(DeviceState.BOUND, info("k0").state());
        assertEquals(java.util.Map.of("gpio27", "k0"), board.owners());
        core.unsetBoard(board);
        assertEquals(DeviceState.DEFERRED, info("k0").state(), "board gone: unbound and deferred again");
        assertTrue(board.owners().isEmpty());
    }

    @Test
    void pinConflictAndBadIndexFailWithClearMessages() {
        core.setBoard(new FakeBoard(log));
        TestDriver d = newDriver("d/keys");
        d.onProbe = dev -> dev.gpioInput("gpios", dev.getInt("index", 0));
        register(d, "gpio-keys");
        core.nodeUpdated("p1", node("k0", "gpio-keys", "gpios", new int[] {17}));
        core.nodeUpdated("p2", node("k1", "gpio-keys", "gpios", new int[] {17}));
        core.nodeUpdated("p3", node("k2", "gpio-keys", "gpios", new int[] {17}, "index", 3));
        core.nodeUpdated("p4", node("k3", "gpio-keys"));
        idle();
        assertEquals(DeviceState.BOUND, info("k0").state());
        assertEquals("gpio17 is already claimed by device k0", info("k1").reason());
        assertEquals("device k2: key 'gpios': index 3 out of range: the key has 1 entry", info("k2").reason());
        assertEquals("device k3: key 'gpios': missing", info("k3").reason());
    }

    @Test
    void i2cUsesBusAndHexRegFromTheNode() {
        FakeBoard board = new FakeBoard(log);
        core.setBoard(board);
        TestDriver d = newDriver("d/bme280");
        d.onProbe = Device::i2c;
        register(d, "bosch,bme280");
        core.nodeUpdated("p1", node("env0", "bosch,bme280", "reg", "0x76"));
        core.nodeUpdated("p2", node("env1", "bosch,bme280", "reg", 0x77, "i2c-bus", 3));
        core.nodeUpdated("p3", node("env2", "bosch,bme280"));
        idle();
        assertEquals(java.util.Map.of("i2c1-0x76", "env0", "i2c3-0x77", "env1"), board.owners());
        assertEquals("device env2: key 'reg': missing", info("env2").reason());
    }

    // ------------------------------------------------------------------------------------------------ shutdown

    @Test
    void shutdownRemovesInReverseProbeOrderAndLeavesNoKthread() {
        driver("d/a", "a");
        core.nodeUpdated("p1", node("first", "a"));
        core.nodeUpdated("p2", node("second", "a"));
        core.nodeUpdated("p3", node("third", "a"));
        idle();
        core.close();
        assertEquals(List.of("third", "second", "first"),
                log.stream().filter(s -> s.contains(" remove ")).map(s -> s.split(" ")[2]).toList());
        assertEquals(0, Kthreads.liveCount());
        core.nodeUpdated("p4", node("late", "a")); // ignored after shutdown, no exception
        assertNotNull(core.devices());
    }

    @Test
    void stuckRemovesAreSetAsideInParallelUnderOneDeadline() {
        core.close();
        // remove timeout 3 s, shutdown bound 8 s: one after the other, three stuck removes would take 9 s
        core = new DriverCore(config().withRemoveTimeout(Duration.ofSeconds(3)).withWaitTimeout(Duration.ofSeconds(8))
                .withStopTimeout(Duration.ofMillis(500)));
        java.util.concurrent.CountDownLatch hang = stuckLatch();
        TestDriver fine = newDriver("d/fine");
        TestDriver stuck = newDriver("d/stuck");
        TestDriver slow = newDriver("d/slow");
        for (TestDriver d : List.of(fine, stuck, slow)) {
            d.onProbe = dev -> dev.addAction(() -> log.add("released " + dev.name()));
        }
        stuck.onRemove = dev -> hang.await();
        // set aside after the patience (0.8 s), returns well within its own 3 s
        slow.onRemove = dev -> hang.await(1500, java.util.concurrent.TimeUnit.MILLISECONDS);
        register(fine, "fine");
        register(stuck, "stuck");
        register(slow, "slow");
        List<String> names = List.of("f0", "s1", "f2", "s3", "slow4", "s5", "f6");
        for (String n : names) {
            core.nodeUpdated("p-" + n, node(n, n.startsWith("f") ? "fine" : n.startsWith("slow") ? "slow" : "stuck"));
        }
        idle();
        long start = System.nanoTime();
        core.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // the removal's deadline (0.9 x 8 s) plus one shared stop bound for the abandoned call kthreads
        assertTrue(took.compareTo(Duration.ofMillis(8_500)) < 0, "shutdown took " + took);
        assertEquals(names.reversed(), log.stream().filter(s -> s.contains(" remove "))
                .map(s -> s.split(" ")[2]).toList(), "remove calls in reverse probe order");
        assertEquals(java.util.Set.copyOf(names), log.stream().filter(s -> s.startsWith("released "))
                .map(s -> s.substring("released ".length())).collect(java.util.stream.Collectors.toSet()),
                "every device's resources released, the stuck ones' too");
        int slowRemove = log.indexOf(log.stream().filter(s -> s.startsWith("d/slow remove")).findFirst().orElseThrow());
        assertTrue(log.indexOf("released slow4") > slowRemove, "the slow remove returned before its release");
        assertEquals(List.of("s5", "slow4", "s3", "s1"), core.stuckThreads().stream()
                .filter(r -> r.what().startsWith("remove")).map(StuckThreadReport::device).toList());
        hang.countDown();
    }

    private static boolean waitFor(Completion c) {
        return c.waitForCompletionTimeout(Duration.ofSeconds(30));
    }
}
