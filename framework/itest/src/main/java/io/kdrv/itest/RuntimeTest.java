package io.kdrv.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.event.EventAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;
import org.slf4j.LoggerFactory;

/** The runtime cnf/runtime.bndrun promises: services, start levels, a real slf4j binding, JVM flags. */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class RuntimeTest {
    @InjectBundleContext
    BundleContext context;

    @Test
    void frameworkServicesArePresent(@InjectService(timeout = 10_000) ConfigurationAdmin cm,
            @InjectService(timeout = 10_000) ServiceComponentRuntime scr,
            @InjectService(timeout = 10_000) EventAdmin eventAdmin,
            @InjectService(timeout = 10_000) CommandProcessor gogo) {
        assertEquals("org.apache.felix.framework", context.getBundle(0).getSymbolicName());
        assertTrue(Arrays.stream(context.getBundles()).allMatch(b -> b.getState() == Bundle.ACTIVE
                || b.getHeaders().get("Fragment-Host") != null), this::bundleStates);
    }

    @Test
    void spiFlyAndAsmStartBeforeSlf4jWhichStartsBeforeEverythingElse() {
        Map<String, Integer> levels = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            if (b.getBundleId() != 0) {
                levels.put(b.getSymbolicName(), b.adapt(BundleStartLevel.class).getStartLevel());
            }
        }
        assertEquals(1, levels.get("org.apache.aries.spifly.dynamic.bundle"), levels::toString);
        assertEquals(1, levels.get("org.objectweb.asm"), levels::toString);
        assertEquals(2, levels.get("slf4j.api"), levels::toString);
        assertEquals(2, levels.get("slf4j.simple"), levels::toString);
        assertEquals(3, levels.get("kdrv-core"), levels::toString);
    }

    @Test
    void theCoreRegistersTheDevicesSettledConditionAndDeclaresIt(
            @InjectService(filter = "(osgi.condition.id=kdrv.devices.settled)", timeout = 10_000)
            org.osgi.service.condition.Condition settled) {
        assertEquals(org.osgi.service.condition.Condition.INSTANCE, settled);
        Bundle core = Arrays.stream(context.getBundles()).filter(b -> "kdrv-core".equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
        assertTrue(core.adapt(org.osgi.framework.wiring.BundleRevision.class).getDeclaredCapabilities("osgi.service")
                .stream().anyMatch(c -> "kdrv.devices.settled".equals(c.getAttributes().get("osgi.condition.id"))),
                "kdrv-core declares the condition (the launcher's SettleGate looks for it)");
    }

    @Test
    void slf4jIsBoundToSlf4jSimpleNotTheNopFallback() {
        String factory = LoggerFactory.getILoggerFactory().getClass().getName();
        assertEquals("org.slf4j.simple.SimpleLoggerFactory", factory);
    }

    @Test
    void jvmRunsWithTheKdrvFlags() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertTrue(args.contains("--enable-native-access=ALL-UNNAMED"), args::toString);
        assertTrue(args.contains("--sun-misc-unsafe-memory-access=allow"), args::toString);
        assertEquals(25, Runtime.version().feature());
    }

    private String bundleStates() {
        StringBuilder out = new StringBuilder();
        for (Bundle b : context.getBundles()) {
            out.append(b.getSymbolicName()).append('=').append(b.getState()).append(' ');
        }
        return out.toString();
    }
}
