package io.kdrv.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.kthread.Kthreads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every benchmark runs with tiny sizes (the figures are meaningless): the harness and the kdrv paths it drives
 * still work, every row has both figures, and nothing is left running. The real run is the jar's main.
 */
class SmokeTest {
    @Test
    @Timeout(60)
    void everyBenchmarkProducesSideBySideRows() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Report r;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            r = Main.run(Config.smoke(), Set.copyOf(Main.ALL), out);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        for (String prefix : new String[] {"1a ", "1b ", "2 ", "3 ", "4 ", "5 ", "6 ", "7 ", "8a ", "8b ", "9 "}) {
            assertTrue(r.rows().stream().anyMatch(row -> row.bench().startsWith(prefix)),
                    "no row for benchmark " + prefix + "in\n" + text);
        }
        for (Report.Row row : r.rows()) {
            assertFalse(Double.isNaN(row.kdrv()) || Double.isNaN(row.base()), "missing figure in " + row);
        }
        assertTrue(text.contains("kdrv/base"), text);
        assertTrue(text.contains("shared 2-core box"), text);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Kthreads.liveCount() != 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000);
        }
        assertEquals(0, Kthreads.liveCount(), () -> "kthreads left: " + Kthreads.list());
    }
}
