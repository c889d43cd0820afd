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
                node("hp-bn-badchars", "key 'name': \"hp bad/name\" does not match [a-z0-9][a-z0-9_-]*", "name", "hp bad/name",
                        "compatible", ok),
                // Felix Configuration Admin maps each dot of a PID to a directory: x.y and x..y would share a file
                node("hp-bn-dots", "key 'name': \"hp.bn..dots\" does not match [a-z0-9][a-z0-9_-]*", "name", "hp.bn..dots",
                        "compatible", ok),
                node("hp-bn-upper", "key 'name': \"HP-bn\" does not match [a-z0-9][a-z0-9_-]*", "name", "HP-bn", "compatible", ok),
                node("hp-bn-long", "is 300 characters long, at most 64 allowed", "name", "h".repeat(300),
                        "compatible", ok),
                // a newline, NUL or ESC in a name is escaped: the error stays one line and forges none
                node("hp-bn-newline", "key 'name': \"hp\\n[main] INFO forged\\u0000\\u001b[2J\" does not match [a-z0-9][a-z0-9_-]*",
                        "name", "hp\n[main] INFO forged\u0000\u001b[2J", "compatible", ok),
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
                file("platform.json", "{\"platform\": \"mock\", \"devices\": []}", "top-level key \"platform\" ignored"),
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
                "{\"devices\": [{\"name\": \"hp-bf-ok\", \"compatible\": [\"kdrv,test-driver\"], "
                        + "\"gpios\": [11]}]}");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("path", good.toString());
        boardFileConfig.update(props);
        awaitState("hp-bf-ok", DeviceState.BOUND);
        assertEquals("hp-bf-ok", Await.value("GPIO 11 claimed", () -> line(11), () -> board.lines().toString()).owner());
        assertStillWorks("hp-bf-valid");
    }

    // ------------------------------------------------------------------------------------------ input limits

    @Test
    void boardFilesThatAreNotSmallRegularFilesAreRefusedAndCommasInPathsWork() throws Exception {
        installDriver(driverJar());
        dir = Files.createTempDirectory("kdrv-boardfiles-");
        boardFileConfig = cm.getConfiguration(BOARDFILE_PID, "?");
        List<String> failures = new ArrayList<>();
        Path big = dir.resolve("big.json");
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            raf.setLength(100L << 20); // sparse: 100 MB that would end in an OutOfMemoryError inside SCR
        }
        Path fifo = dir.resolve("fifo.json");
        boolean haveFifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor() == 0;
        List<String[]> corpus = new ArrayList<>(List.of(
                new String[] {big.toString(), "104857600 bytes, larger than the limit of 1048576 bytes"},
                new String[] {dir.toString(), "not a regular file (a directory)"}));
        if (Files.exists(Path.of("/dev/zero"))) {
            corpus.add(new String[] {"/dev/zero", "not a regular file (a device, FIFO or socket)"});
        }
        if (haveFifo) { // a FIFO without a writer would block the loading thread forever if opened
            corpus.add(new String[] {fifo.toString(), "not a regular file (a device, FIFO or socket)"});
        }
        for (String[] c : corpus) {
            long mark = LogCapture.mark();
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("path", c[0]);
            boardFileConfig.update(props);
            try {
                LogCapture.await(mark, "board file " + c[0] + ": ", c[1]);
            } catch (AssertionError e) {
                failures.add(c[0] + ": " + e.getMessage());
            }
        }
        assertTrue(failures.isEmpty(), () -> "inputs without a clear error:\n" + String.join("\n", failures));
        System.out.printf("[bad input] %d board files that are not small regular files refused naming the file%n",
                corpus.size());

        // a path with a comma is one path in the String[] form: no splitting
        Path comma = Files.writeString(dir.resolve("board,comma.json"),
                "{\"devices\": [{\"name\": \"hp-bf-comma\", \"compatible\": [\"kdrv,test-driver\"], \"gpios\": [12]}]}");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("path", new String[] {comma.toString()});
        boardFileConfig.update(props);
        awaitState("hp-bf-comma", DeviceState.BOUND);
        assertStillWorks("hp-bf-limits-valid");
    }

    @Test
    void badValuesOfKdrvsOwnConfigurationAreRejectedPerKeyAndDevicesStay() throws Exception {
        installDriver(driverJar());
        createNode("hp-bc-dev");
        awaitState("hp-bc-dev", DeviceState.BOUND);
        long probes = device("hp-bc-dev").probes();
        Configuration boardCfg = cm.getConfiguration("kdrv.board", "?");
        Configuration coreCfg = cm.getConfiguration("kdrv.core", "?");
        try {
            long mark = LogCapture.mark();
            Hashtable<String, Object> bad = new Hashtable<>();
            bad.put("irq.fifo.capacity", 2e9); // was an OutOfMemoryError with the key not named
            bad.put("irq.kernel.buffer", "abc");
            boardCfg.update(bad);
            LogCapture.await(mark, "key 'irq.fifo.capacity': must be 1..65536, got 2000000000; keeping 1024");
            LogCapture.await(mark, "key 'irq.kernel.buffer': expected an integer 0..1024, got String \"abc\"");

            Hashtable<String, Object> badCore = new Hashtable<>();
            badCore.put("probe.timeout.ms", "soon");
            badCore.put("stop.timeout.ms", 99_999_999_999L);
            coreCfg.update(badCore);
            LogCapture.await(mark, "configuration kdrv.core key 'probe.timeout.ms'", "keeping 30000 ms");
            LogCapture.await(mark, "configuration kdrv.core key 'stop.timeout.ms': must be 1..3600000 ms");
            awaitIdle();
            DeviceInfo d = device("hp-bc-dev");
            assertEquals(DeviceState.BOUND, d.state(), "bad values of kdrv's own PIDs remove no device");
            assertEquals(probes, d.probes(), "and do not re-probe it");
            System.out.println("[bad input] 4 bad values of kdrv.board and kdrv.core rejected naming the key; "
                    + "devices stayed bound");
        } finally {
            coreCfg.delete();
            boardCfg.delete();
        }
        // a forced driver that does not exist is the reason shown, not a silent UNBOUND
        Hashtable<String, Object> forced = new Hashtable<>();
        forced.put("name", "hp-bc-forced");
        forced.put("compatible", new String[] {COMPATIBLE});
        forced.put("driver", "no-such/driver");
        createRawNode("hp-bc-forced", forced);
        String reason = Await.value("hp-bc-forced in kdrv:deferred", () -> manager.deferred().stream()
                .filter(i -> i.name().equals("hp-bc-forced")).findFirst().map(DeviceInfo::reason),
                () -> manager.devices().toString());
        assertTrue(reason.contains("waiting for driver \"no-such/driver\" (forced by node key 'driver'"), reason);
        assertStillWorks("hp-bc-valid");
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
                {"kdrv:bind hp-bs-dev nodriver", "unknown driver \"nodriver\"; known: "}, // the list is sorted:
                {"kdrv:bind hp-bs-dev nodriver", DRIVER_BSN + "/"},                   // pca9685 runs here too
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
