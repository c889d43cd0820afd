package io.kdrv.hwtest.linux;

import com.pi4j.context.Context;
import com.pi4j.io.IOType;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputProvider;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalOutputProvider;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.BoardPlatform;
import io.kdrv.board.linux.LinuxPlatforms;
import io.kdrv.board.spi.EdgeRecord;
import io.kdrv.board.spi.EdgeStream;
import io.kdrv.hwtest.Rig;
import io.kdrv.kthread.Kthread;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** Helpers for the board-linux kernel tests: a Pi4J context on chip A, and an edge collector kthread. */
final class LinuxRig {
    private LinuxRig() {
    }

    /** The {@code linux} platform on chip A (by its device path). */
    static BoardPlatform chipAPlatform() {
        return LinuxPlatforms.chip("linux", Rig.chipA().dev().toString(), Path.of("/dev"));
    }

    static DigitalInput input(Context ctx, int line) {
        DigitalInputProvider p = ctx.providers().get(IOType.DIGITAL_INPUT);
        return p.create(DigitalInput.newConfigBuilder(ctx).id("in" + line).name("hwtest-in" + line).address(line)
                .debounce(0L).build());
    }

    static DigitalOutput output(Context ctx, int line, DigitalState initial) {
        DigitalOutputProvider p = ctx.providers().get(IOType.DIGITAL_OUTPUT);
        return p.create(DigitalOutput.newConfigBuilder(ctx).id("out" + line).name("hwtest-out" + line).address(line)
                .initial(initial).shutdown(DigitalState.LOW).build());
    }

    /** Copies of the records a reader kthread read from a stream, in order. */
    record Edge(long timestampNanos, boolean rising, long lineSeqno) {
    }

    /**
     * A kthread reading {@code stream} into a queue until stopped (what the board's irq kthread does). Stop it
     * with {@link #stop()}, which wakes the stream first.
     */
    static final class Collector {
        final BlockingQueue<Edge> edges = new ArrayBlockingQueue<>(100_000);
        private final EdgeStream stream;
        private final Kthread thread;

        Collector(EdgeStream stream, String name) {
            this.stream = stream;
            this.thread = Kthread.run(s -> {
                EdgeRecord[] recs = new EdgeRecord[64];
                for (int i = 0; i < recs.length; i++) {
                    recs[i] = new EdgeRecord();
                }
                while (!Kthread.shouldStop()) {
                    int n = s.awaitEdgesUninterruptible(recs);
                    for (int i = 0; i < n; i++) {
                        edges.add(new Edge(recs[i].timestampNanos, recs[i].rising, recs[i].lineSeqno));
                    }
                }
                return 0;
            }, stream, "hwtest-edges/%s", name);
        }

        /** The next edge, or an AssertionError after {@code bound}. Interruptible. */
        Edge next(Duration bound, String what) throws InterruptedException {
            Edge e = edges.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                throw new AssertionError("no edge within " + bound + ": " + what);
            }
            return e;
        }

        void stop() {
            stream.wake();
            int rc = thread.stop();
            if (rc != 0) {
                throw new AssertionError(thread.name() + " ended with " + rc + ": " + thread.failure());
            }
        }
    }
}
