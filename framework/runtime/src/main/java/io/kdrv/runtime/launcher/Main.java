package io.kdrv.runtime.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Starts kdrv from an executable jar exported by bnd ({@code jar/*.jar} bundles plus {@code launcher.properties}):
 * takes the state directory and its lock ({@link StateDir}), then runs Felix ({@link FelixRunner}) in a class loader
 * that holds the jars of bnd's run path (the Felix framework jar, slf4j-api and slf4j-simple, whose packages the
 * system bundle exports), and exits with its code.
 *
 * <p>Exit codes: 0 after a clean stop (signal, {@code stop 0}, end of a timed demo that succeeded), the code of a
 * {@code main.thread} Callable service when one ran, 1 for a start-up error (one line on stderr naming the file or
 * directory) or a stop that overran its bound.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Properties launch = new Properties();
        try (InputStream in = Main.class.getClassLoader().getResourceAsStream("launcher.properties")) {
            if (in == null) {
                System.err.println("kdrv: launcher.properties missing from " + selfJar());
                return 1;
            }
            launch.load(in);
        } catch (IOException e) {
            System.err.println("kdrv: cannot read launcher.properties: " + e.getMessage());
            return 1;
        }
        StateDir state;
        try {
            state = StateDir.lock(StateDir.choose(launch));
        } catch (StateDir.StateDirException e) {
            System.err.println("kdrv: " + e.getMessage());
            return 1;
        }
        try (state) {
            Path self = selfJar();
            List<URL> path = new ArrayList<>();
            try (JarFile jar = new JarFile(self.toFile())) { // once, for the manifest and every extraction
                for (String entry : runpath(jar)) {
                    path.add(state.extractRunpath(jar, entry).toUri().toURL());
                }
            }
            path.add(self.toUri().toURL());
            // Felix, SLF4J and FelixRunner in their own loader above the platform loader: the OSGi API comes from the
            // framework jar only, and bundles see exactly the JDK and SLF4J packages the system bundle exports.
            URLClassLoader loader = new URLClassLoader("kdrv-felix", path.toArray(URL[]::new),
                    ClassLoader.getPlatformClassLoader());
            @SuppressWarnings("unchecked")
            Callable<Integer> runner = (Callable<Integer>) loader.loadClass(Main.class.getPackageName() + ".FelixRunner")
                    .getConstructor(Properties.class, Path.class).newInstance(launch, state.path());
            return runner.call();
        } catch (StateDir.StateDirException e) {
            System.err.println("kdrv: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("kdrv: start failed: " + e);
            e.printStackTrace();
            return 1;
        }
    }

    private static Path selfJar() {
        try {
            return Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException("cannot locate the kdrv jar", e);
        }
    }

    /**
     * The Embedded-Runpath entries of the manifest bnd wrote (slf4j-api, slf4j-simple and the Felix framework jar, in
     * bnd's order), without bnd's own launcher, which kdrv replaces.
     */
    private static List<String> runpath(JarFile jar) throws IOException {
        Manifest m = jar.getManifest();
        String runpath = m == null ? null : m.getMainAttributes().getValue("Embedded-Runpath");
        if (runpath == null || runpath.isBlank()) {
            throw new IOException(jar.getName() + ": no Embedded-Runpath in the manifest (not a bnd-exported jar?)");
        }
        List<String> entries = new ArrayList<>();
        for (String raw : runpath.split(",")) {
            String entry = raw.strip();
            if (!entry.isEmpty() && !Path.of(entry).getFileName().toString().startsWith("biz.aQute.launcher")) {
                entries.add(entry);
            }
        }
        return entries;
    }
}
