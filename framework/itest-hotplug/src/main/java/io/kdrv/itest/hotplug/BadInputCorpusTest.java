package io.kdrv.itest.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.testing.await.Await;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.stream.Stream;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.test.common.annotation.InjectService;

/**
 * A corpus of malformed input: device node configurations, board files and shell arguments. Every one must be
 * answered with an error naming the problem (node PID and key, board file and line, command argument), and the
 * framework must keep running: a valid node still binds afterwards.
 */
class BadInputCorpusTest extends HotplugTestBase {
    private static final String BOARDFILE_PID = "kdrv.boardfile";

    @InjectService(timeout = 10_000)
    CommandProcessor gogo;

    private Path dir;
    private Configuration boardFileConfig;

    @AfterEach
    void removeBoardFiles() throws IOException, InvalidSyntaxException {
        if (boardFileConfig != null) {
            boardFileConfig.delete();
        }
        Configuration[] loaded = cm.listConfigurations("(kdrv.boardfile=*)");
        if (loaded != null) {
            for (Configuration c : loaded) {
                c.delete();
            }
        }
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ device nodes

    private record NodeCase(String alias, Hashtable<String, Object> props, String expected) {
    }

    private static NodeCase node(String alias, String expected, Object... keyValues) {
        Hashtable<String, Object> props = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new NodeCase(alias, props, expected);
    }

    @Test
    void malformedDeviceNodesAreRejectedNamingPidAndKey() throws Exception {
        installDriver(driverJar());
        String[] ok = {COMPATIBLE};
        List<NodeCase> corpus = List.of(
                node("hp-bn-noname", "key 'name': missing", "compatible", ok),
                node("hp-bn-intname", "key 'name': must be a String, got", "name", 42, "compatible", ok),
                node("hp-bn-emptyname", "key 'name': must not be empty", "name", "", "compatible", ok),
                node("hp-bn-badchars", "key 'name': \"hp bad/name\" has characters outside", "name", "hp bad/name",
                        "compatible", ok),
                node("hp-bn-nocompat", "key 'compatible': missing", "name", "hp-bn-nocompat"),
                node("hp-bn-emptycompat", "key 'compatible'", "name", "hp-bn-emptycompat", "compatible",
                        new String[0]),
                node("hp-bn-intcompat", "key 'compatible': must be a String or String[], got", "name",
                        "hp-bn-intcompat", "compatible", 7),
                node("hp-bn-blankentry", "key 'compatible': entry 1 is empty", "name", "hp-bn-blankentry",
                        "compatible", new String[] {COMPATIBLE, ""}),
                node("hp-bn-emptydriver", "key 'driver': must not be empty", "name", "hp-bn-emptydriver",
                        "compatible", ok, "driver", ""),
                node("hp-bn-intdriver", "key 'driver': must be a String", "name", "hp-bn-intdriver", "compatible",
                        ok, "driver", 3));
        // Driver keys are the driver's business: checked against its declared binding before probe, so the
        // device is FAILED naming the key and probe never runs.
        List<NodeCase> misfits = List.of(
                node("hp-bn-badgpios", "key 'gpios': entry 1: expected an integer", "name", "hp-bn-badgpios",
                        "compatible", ok, "gpios", "17, x"),
                node("hp-bn-neggpio", "key 'gpios': entry 0 must be >= 0, got -3", "name", "hp-bn-neggpio",
                        "compatible", ok, "gpios", new int[] {-3}),
                node("hp-bn-badirq", "key 'irq': expected a boolean", "name", "hp-bn-badirq", "compatible", ok,
                        "irq", "maybe"),
                node("hp-bn-negblock", "key 'block-probe-ms': must be >= 0, got -1", "name", "hp-bn-negblock",
                        "compatible", ok, "block-probe-ms", -1L));

        List<String> failures = new ArrayList<>();
        for (NodeCase c : corpus) {
            long mark = LogCapture.mark();
            Configuration cfg = createRawNode(c.alias(), c.props());
            try {
                String line = LogCapture.await(mark, "device node " + cfg.getPid() + ":", c.expected());
                if (!line.contains("ignored until fixed")) {
                    failures.add(c.alias() + ": " + line);
                }
            } catch (AssertionError e) {
                failures.add(c.alias() + ": " + e.getMessage());
            }
        }
        for (NodeCase c : misfits) {
            createRawNode(c.alias(), c.props());
            DeviceInfo d = awaitState(c.alias(), DeviceState.FAILED);
            if (!d.reason().contains("device " + c.alias() + ": " + c.expected())) {
                failures.add(c.alias() + ": " + d.reason());
            }
        }
        // duplicate name: the second node is rejected naming the node that holds the name
        Configuration first = createNode("hp-bn-dup");
        awaitState("hp-bn-dup", DeviceState.BOUND);
        long mark = LogCapture.mark();
        Hashtable<String, Object> dup = new Hashtable<>();
        dup.put("name", "hp-bn-dup");
        dup.put("compatible", new String[] {COMPATIBLE});
        Configuration second = createRawNode("hp-bn-dup-2", dup);
        LogCapture.await(mark, "device node " + second.getPid() + ":", "duplicate name 'hp-bn-dup'",
                "already used by node " + first.getPid());

        awaitIdle();
        assertTrue(failures.isEmpty(), () -> "inputs without a clear error:\n" + String.join("\n", failures));
        System.out.printf("[bad input] %d malformed device nodes rejected with an error naming PID and key%n",
                corpus.size() + 1);
        System.out.printf("[bad input] %d nodes that do not fit the driver's declared keys failed naming the key%n",
                misfits.size());
        List<String> misfitNames = misfits.stream().map(NodeCase::alias).toList();
        assertTrue(manager.devices().stream().filter(d -> d.name().startsWith("hp-bn-"))
                .allMatch(d -> d.name().equals("hp-bn-dup") && d.state() == DeviceState.BOUND
                        || misfitNames.contains(d.name()) && d.state() == DeviceState.FAILED),
                () -> "a rejected node became a device: " + manager.devices());
        assertStillWorks("hp-bn-valid");
    }

    // ------------------------------------------------------------------------------------------ board files

    private record FileCase(String file, byte[] content, String expected) {
    }

    private static FileCase file(String file, String json, String expected) {
        return new FileCase(file, json == null ? null : json.getBytes(StandardCharsets.UTF_8), expected);
    }

    @Test
    void malformedBoardFilesAreReportedNamingFileAndProblem() throws Exception {
        installDriver(driverJar());
        dir = Files.createTempDirectory("kdrv-boardfiles-");
        List<FileCase> corpus = List.of(
                file("truncated.json", "{\"devices\": [", "malformed JSON at"),
                file("array.json", "[1, 2]", "the document must be an object"),
                file("devices-number.json", "{\"devices\": 5}", "\"devices\" must be an array"),
                file("no-devices.json", "{\"platform\": \"mock\"}", "missing \"devices\" array"),
                file("platform-number.json", "{\"platform\": 3, \"devices\": []}", "\"platform\" must be a string"),
                file("unknown-key.json", "{\"devices\": [], \"extra\": 1}", "unknown top-level key \"extra\""),
                file("item-number.json", "{\"devices\": [42]}", "devices[0] must be an object"),
                file("no-name.json", "{\"devices\": [{\"compatible\": [\"kdrv,test-driver\"]}]}", "key 'name'"),
                file("dup-name.json", "{\"devices\": [{\"name\": \"hp-bf-d\", \"compatible\": [\"x\"]},\n"
                        + "{\"name\": \"hp-bf-d\", \"compatible\": [\"x\"]}]}", "duplicate name 'hp-bf-d'"),
                file("nested.json", "{\"devices\": [{\"name\": \"hp-bf-n\", \"compatible\": [\"x\"], \"gpios\": {\"a\": 1}}]}",
                        "nested objects are not supported"),
                file("null.json", "{\"devices\": [{\"name\": \"hp-bf-z\", \"compatible\": [\"x\"], \"reg\": null}]}",
                        "null is not allowed"),
                file("mixed.json", "{\"devices\": [{\"name\": \"hp-bf-m\", \"compatible\": [\"x\"], \"gpios\": [1, \"a\"]}]}",
                        "array mixes"),
                file("reserved.json", "{\"devices\": [{\"name\": \"hp-bf-r\", \"compatible\": [\"x\"], \"service.pid\": \"p\"}]}",
                        "reserved key"),
                file("compat-number.json", "{\"devices\": [{\"name\": \"hp-bf-c\", \"compatible\": 5}]}", "key 'compatible'"),
                file("trailing-comma.json", "{\"devices\": [],}", "malformed JSON at"),
                file("missing.json", null, "cannot read"),
                new FileCase("latin1.json", new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'}, "not valid UTF-8"));

        boardFileConfig = cm.getConfiguration(BOARDFILE_PID, "?");
        List<String> failures = new ArrayList<>();
        for (FileCase c : corpus) {
            Path p = dir.resolve(c.file());
            if (c.content() != null) {
                Files.write(p, c.content());
            }
            long mark = LogCapture.mark();
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("path", p.toString());
            boardFileConfig.update(props);
            try {
                LogCapture.await(mark, "board file " + p, c.expected());
            } catch (AssertionError e) {
                failures.add(c.file() + ": " + e.getMessage());
            }
        }
        // the key itself of the wrong type
        long mark = LogCapture.mark();
        Hashtable<String, Object> wrongType = new Hashtable<>();
        wrongType.put("path", 42);
        boardFileConfig.update(wrongType);
        LogCapture.await(mark, "configuration kdrv.boardfile: key 'path' must be a String or String[]");

        assertTrue(failures.isEmpty(), () -> "inputs without a clear error:\n" + String.join("\n", failures));
        System.out.printf("[bad input] %d malformed board files reported naming file and problem%n",
                corpus.size() + 1);

        // a valid board file still loads, and its node binds
        Path good = Files.writeString(dir.resolve("good.json"),
                "{\"platform\": \"mock\", \"devices\": [{\"name\": \"hp-bf-ok\", \"compatible\": [\"kdrv,test-driver\"], "
                        + "\"gpios\": [11]}]}");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("path", good.toString());
        boardFileConfig.update(props);
        awaitState("hp-bf-ok", DeviceState.BOUND);
        assertEquals("hp-bf-ok", Await.value("GPIO 11 claimed", () -> line(11), () -> board.lines().toString()).owner());
        assertStillWorks("hp-bf-valid");
    }

    // ------------------------------------------------------------------------------------------ shell arguments

    @Test
    void badShellArgumentsGetOneLineErrorsNamingThem() throws Exception {
        installDriver(driverJar());
        createNode("hp-bs-dev");
        awaitState("hp-bs-dev", DeviceState.BOUND);
        for (String scope : List.of("kdrv", "gpio")) {
            Await.until("Gogo commands of scope " + scope, () -> commandsRegistered(scope));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = gogo.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            String[][] corpus = {
                // command, a fragment the error must contain
                {"kdrv:unbind nosuch", "unknown device \"nosuch\"; known: "},
                {"kdrv:bind nosuch", "unknown device \"nosuch\""},
                {"kdrv:bind hp-bs-dev nodriver", "unknown driver \"nodriver\"; known: " + DRIVER_BSN + "/"},
                {"kdrv:bind hp-bs-dev", "device hp-bs-dev is already bound to driver"},
                {"kdrv:bind", "bind"},
                {"kdrv:unbind", "unbind"},
                {"kdrv:nosuchcommand", "kdrv:nosuchcommand"},
                {"gpio:set abc 1", "gpio:set: line 'abc' is not a GPIO number"},
                {"gpio:set -1 1", "gpio:set: line '-1' is not a GPIO number"},
                {"gpio:set 5 7", "gpio:set: level '7' must be 0 or 1"},
                {"gpio:set 5 maybe", "gpio:set: level 'maybe' must be 0 or 1"},
                {"gpio:set 999 1", "999"},
                {"gpio:set", "set"},
                {"gpio:pulse x", "gpio:pulse: line 'x' is not a GPIO number"},
                {"gpio:pulse 3 -5", "gpio:pulse: width '-5' must be 0..60000 ms"},
                {"gpio:pulse 3 99999999", "gpio:pulse: width '99999999' must be 0..60000 ms"},
            };
            List<String> failures = new ArrayList<>();
            for (String[] c : corpus) {
                String answer;
                try {
                    Object result = session.execute(c[0]);
                    answer = result == null ? "" : result.toString();
                } catch (Exception e) {
                    answer = e.getMessage() == null ? e.toString() : e.getMessage();
                }
                if (!answer.contains(c[1])) {
                    failures.add(c[0] + " -> " + answer.strip() + " (expected to contain: " + c[1] + ")");
                } else if (answer.strip().lines().count() > 1 && c[0].startsWith("kdrv:") && !c[0].equals("kdrv:bind")
                        && !c[0].equals("kdrv:unbind")) {
                    failures.add(c[0] + " -> not one line: " + answer);
                }
            }
            assertTrue(failures.isEmpty(), () -> "inputs without a clear error:\n" + String.join("\n", failures));
            System.out.printf("[bad input] %d bad shell commands answered with an error naming the argument%n",
                    corpus.length);
        } finally {
            session.close();
        }
        assertEquals(DeviceState.BOUND, device("hp-bs-dev").state(), "bad commands changed nothing");
        assertStillWorks("hp-bs-valid");
    }

    private boolean commandsRegistered(String scope) {
        try {
            return ownContext().getServiceReferences((String) null, "(osgi.command.scope=" + scope + ")") != null;
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** The framework is still fine: a valid node binds and gets its thread. */
    private void assertStillWorks(String name) throws IOException {
        createNode(name);
        awaitState(name, DeviceState.BOUND);
        Await.until("testdrv/" + name + " running", () -> kthread("testdrv/" + name).isPresent());
        if (manager.devices().stream().anyMatch(d -> d.state() == DeviceState.FAILED && d.name().equals(name))) {
            fail(name + " failed");
        }
    }
}
