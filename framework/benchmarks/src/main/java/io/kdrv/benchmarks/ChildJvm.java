package io.kdrv.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fresh JVM running this harness's {@link Main} (same JDK, class path and native-access flag): benchmarks whose
 * figures depend on the JVM's history (RSS, boot) measure there, and print one result line.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * Runs {@code Main mainArgs} with {@code jvmOptions} added, waits up to two minutes, and returns the last line it
     * printed that starts with {@code resultPrefix}.
     *
     * @throws IllegalStateException if the JVM fails, hangs or prints no result line; the message carries its whole
     *                               output
     */
    static String run(List<String> jvmOptions, List<String> mainArgs, String resultPrefix) throws Exception {
        return run(jvmOptions, mainArgs, resultPrefix, java.time.Duration.ofMinutes(2));
    }

    /** {@link #run(List, List, String)} with its own bound on the child's run time. */
    static String run(List<String> jvmOptions, List<String> mainArgs, String resultPrefix, java.time.Duration timeout)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(mainArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String result = null;
        StringBuilder all = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                all.append(line).append('\n');
                if (line.startsWith(resultPrefix)) {
                    result = line;
                }
            }
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0 || result == null) {
            p.destroyForcibly();
            throw new IllegalStateException("child JVM (" + String.join(" ", mainArgs) + ") failed:\n" + all);
        }
        return result;
    }
}
