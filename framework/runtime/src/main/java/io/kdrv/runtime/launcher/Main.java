package io.kdrv.runtime.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts kdrv from an executable jar exported by bnd ({@code jar/*.jar} bundles plus {@code launcher.properties}):
 * takes the state directory and its lock ({@link StateDir}), then runs Felix ({@link FelixRunner}) in a class loader
 * that holds the Felix framework jar, and exits with its code.
 *
 * <p>Exit codes: 0 after a clean stop (signal, {@code stop 0}, end of a timed demo that succeeded), the code of a
 * {@code main.thread} Callable service when one ran, 1 for a start-up error (one line on stderr naming the file or
 * directory) or a stop that overran its bound.
 */
public final class Main {
    // SPI Fly logs through java.util.logging: one two-line INFO record per ServiceLoader provider it registers
    // (slf4j-simple, two of Jetty's) on every start. Its warnings and errors still print. Held in a static field:
    // JUL keeps loggers weakly, and a collected logger would lose the level.
    private static final Logger SPI_FLY = Logger.getLogger("org.apache.aries.spifly");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        SPI_FLY.setLevel(Level.WARNING);
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
            Path felix = state.extractFramework(self, frameworkEntry(self));
            // Felix and FelixRunner in their own loader above the platform loader: the OSGi API comes from the
            // framework jar only, and bundles see exactly the JDK packages Felix exports.
            URLClassLoader loader = new URLClassLoader("kdrv-felix",
                    new URL[] {felix.toUri().toURL(), self.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
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

    /** The first Embedded-Runpath entry of the manifest bnd wrote: the framework jar. */
    private static String frameworkEntry(Path self) throws IOException {
        try (JarFile jar = new JarFile(self.toFile())) {
            Manifest m = jar.getManifest();
            String runpath = m == null ? null : m.getMainAttributes().getValue("Embedded-Runpath");
            if (runpath == null || runpath.isBlank()) {
                throw new IOException(self + ": no Embedded-Runpath in the manifest (not a bnd-exported jar?)");
            }
            return runpath.split(",")[0].strip();
        }
    }
}
