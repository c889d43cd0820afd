package io.kdrv.itest.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.testing.await.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;
import org.osgi.service.cm.Configuration;

/**
 * Hot-plug through Felix FileInstall, as on a Pi: a driver bundle and a device node file dropped into, replaced in
 * and deleted from the watched directory. Each test watches its own fresh temporary directory (a FileInstall
 * watcher created through Configuration Admin, 50 ms poll) so no stale file of another run can interfere.
 */
class FileInstallHotplugTest extends HotplugTestBase {
    private static final String FILEINSTALL_FACTORY_PID = "org.apache.felix.fileinstall";

    private Path root;
    private Path deploy;
    private Path staging;
    private Configuration watcher;

    @BeforeEach
    void watchFreshDirectory() throws IOException {
        root = Files.createTempDirectory("kdrv-hotplug-");
        deploy = Files.createDirectory(root.resolve("deploy"));
        staging = Files.createDirectory(root.resolve("staging"));
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("felix.fileinstall.dir", deploy.toString());
        props.put("felix.fileinstall.poll", "50");
        props.put("felix.fileinstall.noInitialDelay", "true");
        props.put("felix.fileinstall.start.new.bundles", "true");
        props.put("felix.fileinstall.enableConfigSave", "false");
        props.put("felix.fileinstall.log.level", "3");
        watcher = cm.createFactoryConfiguration(FILEINSTALL_FACTORY_PID, "?");
        watcher.update(props);
    }

    @AfterEach
    void stopWatching() throws IOException {
        // files first, so FileInstall itself undoes what it installed; the base class then checks nothing is left
        try (Stream<Path> files = Files.list(deploy)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Await.until("FileInstall removed what it installed", () -> driverBundles().stream()
                .noneMatch(b -> b.getLocation().contains(root.getFileName().toString()))
                && manager.device("hp-fi-cfg").isEmpty()); // the node of the dropped .config file
        watcher.delete();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Writes the file outside the watched directory, then moves it in atomically: FileInstall never sees half. */
    private Path drop(String name, byte[] content) throws IOException {
        Path tmp = Files.write(staging.resolve(name), content);
        return Files.move(tmp, deploy.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void driverJarDroppedReplacedAndDeleted() throws Exception {
        createNode("hp-fi-dev", "gpios", new int[] {21});
        awaitState("hp-fi-dev", DeviceState.UNBOUND); // no driver yet

        // drop -> installed, started, the matching node probed (and its pin claimed)
        drop("kdrv-itest-driver.jar", driverJar());
        Bundle b = Await.value("FileInstall installed the driver", () -> driverBundles().stream().findFirst(),
                () -> "bundles: " + driverBundles());
        awaitState("hp-fi-dev", DeviceState.BOUND);
        assertEquals(Bundle.ACTIVE, b.getState());
        assertTrue(b.getLocation().contains(deploy.getFileName().toString()), b.getLocation());
        Await.until("testdrv/hp-fi-dev running", () -> kthread("testdrv/hp-fi-dev").isPresent());
        assertEquals("hp-fi-dev", line(21).orElseThrow().owner());
        DeviceInfo first = device("hp-fi-dev");
        assertEquals(1, first.probes());
        assertEquals(0, first.removes());

        // replace with another version -> update: remove with the old code, probe with the new
        drop("kdrv-itest-driver.jar", driverJar("0.1.0.hotplug2"));
        // (FileInstall refreshes the bundle after updating it, which may restart it once more: >= 2 probes)
        DeviceInfo updated = Await.value("device re-probed after the update",
                () -> manager.device("hp-fi-dev").filter(d -> d.state() == DeviceState.BOUND && d.probes() >= 2),
                () -> String.valueOf(manager.device("hp-fi-dev")));
        assertEquals(updated.probes() - 1, updated.removes(), () -> "each old probe removed once: " + updated);
        assertEquals(new Version("0.1.0.hotplug2"), b.getVersion(), "same bundle, updated in place");
        assertEquals(1, driverBundles().size(), "an update, not a second install");
        // FileInstall's refresh may restart the bundle once more after the update: wait for it to settle with the
        // device bound and exactly one driver thread (never two: the old code's thread is stopped by remove).
        // The line is part of the condition: a late refresh restart unbinds the device and frees it for a moment.
        Await.until("exactly one driver thread after the update, device bound, its line claimed",
                () -> testKthreads().stream().filter(k -> k.name().equals("testdrv/hp-fi-dev")).count() == 1
                        && manager.device("hp-fi-dev").map(d -> d.state() == DeviceState.BOUND).orElse(false)
                        && line(21).map(l -> "hp-fi-dev".equals(l.owner())).orElse(false),
                () -> "threads " + testKthreads() + ", device " + manager.device("hp-fi-dev") + ", line "
                        + line(21));
        assertTrue(testKthreads().stream().filter(k -> k.name().equals("testdrv/hp-fi-dev")).count() <= 1,
                () -> "more than one driver thread: " + testKthreads());
        assertEquals("hp-fi-dev", line(21).orElseThrow().owner());

        // delete -> uninstalled, device removed, its thread stopped and its pin released
        Files.delete(deploy.resolve("kdrv-itest-driver.jar"));
        // Felix drops the bundle from its list a moment before it marks it UNINSTALLED: wait for the state
        Await.until("FileInstall uninstalled the driver", () -> b.getState() == Bundle.UNINSTALLED,
                () -> "state " + b.getState());
        assertTrue(driverBundles().isEmpty(), () -> "driver bundles left: " + driverBundles());
        DeviceInfo removed = awaitState("hp-fi-dev", DeviceState.UNBOUND);
        assertEquals(removed.probes(), removed.removes(), () -> "every probe paired with a remove: " + removed);
        Await.until("kthreads of hp-fi-dev gone", () -> testKthreads().isEmpty(), () -> testKthreads().toString());
        assertTrue(line(21).isEmpty(), () -> "GPIO 21 still claimed: " + board.lines());
    }

    @Test
    void deviceNodeConfigFileDroppedAndDeleted() throws Exception {
        installDriver(driverJar());
        String config = """
                name="hp-fi-cfg"
                compatible=["kdrv,test-driver"]
                gpios=I["22"]
                """;

        drop("kdrv.device-hp-fi-cfg.config", config.getBytes(StandardCharsets.UTF_8));

        DeviceInfo d = awaitState("hp-fi-cfg", DeviceState.BOUND);
        assertEquals(List.of(COMPATIBLE), d.compatible());
        assertTrue(d.driver().startsWith(DRIVER_BSN + "/"), d::toString);
        Await.until("testdrv/hp-fi-cfg running", () -> kthread("testdrv/hp-fi-cfg").isPresent());
        assertEquals("hp-fi-cfg", line(22).orElseThrow().owner());

        Files.delete(deploy.resolve("kdrv.device-hp-fi-cfg.config"));

        Await.until("device hp-fi-cfg removed", () -> manager.device("hp-fi-cfg").isEmpty(),
                () -> manager.devices().toString());
        Await.until("testdrv/hp-fi-cfg gone", () -> kthread("testdrv/hp-fi-cfg").isEmpty());
        assertTrue(line(22).isEmpty(), () -> "GPIO 22 still claimed: " + board.lines());
    }
}
