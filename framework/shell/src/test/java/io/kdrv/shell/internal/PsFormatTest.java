package io.kdrv.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadInfo;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PsFormatTest {
    private static BitSet cpus(int... cpus) {
        BitSet mask = new BitSet();
        for (int cpu : cpus) {
            mask.set(cpu);
        }
        return mask;
    }

    @Test
    void formatsLikePsWithNameInBrackets() {
        List<KthreadInfo> threads = List.of(
                new KthreadInfo("kdrv-probe", Kthread.State.SLEEPING, cpus(), null, 12, 3_456_000L, 4101),
                new KthreadInfo("bme280/0", Kthread.State.RUNNING, cpus(1), "device bme0", 70_001, 61_234_000_000L, 4102),
                new KthreadInfo("testdrv/a", Kthread.State.CREATED, cpus(0, 1, 2, 5), "device a", 0, -1, -1),
                new KthreadInfo("spin/b", Kthread.State.STUCK, cpus(), "device b", 1, 12_345_678_000L, 4103));
        assertEquals("""
                 TID STAT CPUS  WAKEUPS     TIME OWNER       COMMAND
                4101 S    -          12 0:00.003 -           [kdrv-probe]
                4102 R    1       70001 1:01.234 device bme0 [bme280/0]
                   - N    0-2,5       0        - device a    [testdrv/a]
                4103 D    -           1 0:12.345 device b    [spin/b]""", PsFormat.format(threads));
    }

    @Test
    void foreignThreadsFollowTheKthreadsMarkedFWithTheirBundleAndNoBrackets() {
        List<KthreadInfo> threads = List.of(
                new KthreadInfo("kdrv-probe", Kthread.State.SLEEPING, cpus(), null, 12, 3_456_000L, 4101));
        List<ForeignThreads.Info> foreign = List.of(
                new ForeignThreads.Info("leaky-poller", "TIMED_WAITING", "acme-sensor", 2_500_000_000L));
        assertEquals("""
                 TID STAT CPUS WAKEUPS     TIME OWNER                      COMMAND
                4101 S    -         12 0:00.003 -                          [kdrv-probe]
                   - F    -          - 0:02.500 foreign bundle acme-sensor leaky-poller""",
                PsFormat.format(threads, foreign));
    }

    @Test
    void everyStateHasALinuxLikeLetter() {
        assertEquals("R", PsFormat.stat(Kthread.State.RUNNING));
        assertEquals("S", PsFormat.stat(Kthread.State.SLEEPING));
        assertEquals("P", PsFormat.stat(Kthread.State.PARKED));
        assertEquals("N", PsFormat.stat(Kthread.State.CREATED));
        assertEquals("X", PsFormat.stat(Kthread.State.STOPPING));
        assertEquals("D", PsFormat.stat(Kthread.State.STUCK));
        assertEquals("Z", PsFormat.stat(Kthread.State.EXITED));
    }

    @Test
    void cpuListUsesLinuxRanges() {
        assertNull(PsFormat.cpuList(cpus()));
        assertEquals("3", PsFormat.cpuList(cpus(3)));
        assertEquals("0-3", PsFormat.cpuList(cpus(0, 1, 2, 3)));
        assertEquals("0,2-3,7", PsFormat.cpuList(cpus(0, 2, 3, 7)));
    }

    @Test
    void cpuTimeIsMinutesSecondsMillis() {
        assertNull(PsFormat.cpuTime(-1));
        assertEquals("0:00.000", PsFormat.cpuTime(999_999));
        assertEquals("0:59.999", PsFormat.cpuTime(59_999_000_000L));
        assertEquals("125:00.000", PsFormat.cpuTime(7_500_000_000_000L));
    }

    @Test
    void emptyListIsJustTheHeader() {
        assertEquals("TID STAT CPUS WAKEUPS TIME OWNER COMMAND", PsFormat.format(List.of()));
    }
}
