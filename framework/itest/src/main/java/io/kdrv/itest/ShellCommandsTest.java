package io.kdrv.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceState;
import io.kdrv.kthread.Kthread;
import io.kdrv.testing.await.Await;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.test.common.annotation.InjectService;

/** The kdrv Gogo commands, run through Gogo's CommandProcessor as a shell would. */
class ShellCommandsTest extends KdrvTestBase {
    @InjectService(timeout = 10_000)
    CommandProcessor gogo;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private CommandSession session;

    @BeforeEach
    void openSession() {
        for (String scope : List.of("kdrv", "kthread")) {
            Await.until("Gogo commands of scope " + scope, () -> commandsRegistered(scope));
        }
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        session = gogo.createSession(new ByteArrayInputStream(new byte[0]), print, print);
    }

    @AfterEach
    void closeSession() {
        session.close();
    }

    private boolean commandsRegistered(String scope) {
        try {
            return context.getServiceReferences((String) null, "(osgi.command.scope=" + scope + ")") != null;
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private String run(String command) throws Exception {
        Object result = session.execute(command);
        return result == null ? "" : result.toString();
    }

    private static List<String> lines(String text) {
        return Arrays.asList(text.split("\n"));
    }

    @Test
    void devicesListsEveryNodeWithStateDriverAndReason() throws Exception {
        createNode("it-sh-a");
        createNode("it-sh-b", "defer-until", "it-sh-missing");
        awaitState("it-sh-a", DeviceState.BOUND);
        awaitState("it-sh-b", DeviceState.DEFERRED);

        List<String> lines = lines(run("kdrv:devices"));

        assertTrue(lines.get(0).matches("NAME +STATE +DRIVER +COMPATIBLE +REASON"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.matches(
                "it-sh-a +bound +" + Pattern.quote(DRIVER_BSN) + "/\\S+ +kdrv,test-driver +-")), lines::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches(
                "it-sh-b +deferred +\\S+ +kdrv,test-driver +waiting for device it-sh-missing")), lines::toString);
    }

    @Test
    void driversListsTheTestDriverAndItsDevices() throws Exception {
        createNode("it-sh-c");
        awaitState("it-sh-c", DeviceState.BOUND);

        List<String> lines = lines(run("kdrv:drivers"));

        assertTrue(lines.get(0).matches("ID +COMPATIBLE +BUNDLE +DEVICES"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.matches(Pattern.quote(DRIVER_BSN)
                + "/\\S+ +kdrv,test-driver kdrv,itest +" + Pattern.quote(DRIVER_BSN) + " \\S+ +it-sh-c")), lines::toString);
    }

    @Test
    void deferredListsWaitingDevicesWithTheirReason() throws Exception {
        assertEquals("no deferred devices", run("kdrv:deferred"));
        createNode("it-sh-d", "defer-until", "it-sh-nothing");
        awaitState("it-sh-d", DeviceState.DEFERRED);

        List<String> lines = lines(run("kdrv:deferred"));

        assertEquals(2, lines.size(), lines::toString);
        assertTrue(lines.get(1).matches("it-sh-d +kdrv,test-driver +waiting for device it-sh-nothing"), lines.get(1));
    }

    @Test
    void psShowsTheDriversKthreadWithOwnerAndState() throws Exception {
        createNode("it-sh-ps");
        awaitState("it-sh-ps", DeviceState.BOUND);
        Await.until("testdrv/it-sh-ps asleep", () -> kthread("testdrv/it-sh-ps")
                .map(k -> k.state() == Kthread.State.SLEEPING).orElse(false));

        List<String> lines = lines(run("kthread:ps"));

        assertTrue(lines.get(0).matches(" *TID STAT CPUS +WAKEUPS +TIME OWNER +COMMAND"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.matches(
                " *\\d+ S +- +\\d+ +\\d+:\\d\\d\\.\\d{3} device it-sh-ps +\\[testdrv/it-sh-ps\\]")), lines::toString);
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("[kdrv-probe]") || l.contains("kdrv core")),
                "the core's probe worker is listed too: " + lines);
    }

    @Test
    void unbindAndBindByHand() throws Exception {
        createNode("it-sh-e");
        awaitState("it-sh-e", DeviceState.BOUND);

        assertEquals("it-sh-e: unbound", run("kdrv:unbind it-sh-e"));
        assertEquals(DeviceState.UNBOUND, device("it-sh-e").state());
        assertTrue(kthread("testdrv/it-sh-e").isEmpty(), "unbind stopped the kthread");

        String bound = run("kdrv:bind it-sh-e");
        assertTrue(bound.matches("it-sh-e: bound to " + Pattern.quote(DRIVER_BSN) + "/\\S+"), bound);
        String driverId = device("it-sh-e").driver();

        run("kdrv:unbind it-sh-e");
        assertEquals("it-sh-e: bound to " + driverId, run("kdrv:bind it-sh-e " + driverId));
    }

    @Test
    void badArgumentsGiveOneLineErrorsNamingThem() throws Exception {
        createNode("it-sh-f");
        awaitState("it-sh-f", DeviceState.BOUND);

        Exception e = assertThrows(IllegalArgumentException.class, () -> run("kdrv:unbind nosuch"));
        assertTrue(e.getMessage().startsWith("unknown device \"nosuch\"; known: "), e.getMessage());
        assertTrue(e.getMessage().contains("it-sh-f"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> run("kdrv:bind it-sh-f nodriver"));
        assertTrue(e.getMessage().startsWith("unknown driver \"nodriver\"; known: " + DRIVER_BSN + "/"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());

        assertEquals(DeviceState.BOUND, device("it-sh-f").state(), "a bad command changes nothing");
    }
}
