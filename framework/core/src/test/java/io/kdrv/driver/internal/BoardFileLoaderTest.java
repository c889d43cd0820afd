package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** The board-file loader against an in-memory Configuration Admin: idempotent reloads, stale nodes deleted. */
class BoardFileLoaderTest {

    /** Minimal in-memory Configuration Admin: factory configurations by name, updates counted. */
    static final class FakeCm {
        final Map<String, Hashtable<String, Object>> store = new TreeMap<>();
        int updates;
        int deletes;

        ConfigurationAdmin admin() {
            return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ConfigurationAdmin.class}, (p, m, args) -> switch (m.getName()) {
                        case "getFactoryConfiguration" -> {
                            assertEquals("?", args.length > 2 ? args[2] : "?", "multi-location");
                            yield config(args[0] + "~" + args[1], (String) args[0]);
                        }
                        case "listConfigurations" -> list((String) args[0]);
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        private Configuration[] list(String filter) throws Exception {
            Filter f = FrameworkUtil.createFilter(filter);
            return store.entrySet().stream().filter(e -> f.match(e.getValue()))
                    .map(e -> config(e.getKey(), (String) e.getValue().get("service.factoryPid")))
                    .toArray(Configuration[]::new);
        }

        private Configuration config(String pid, String factoryPid) {
            return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Configuration.class}, (p, m, args) -> switch (m.getName()) {
                        case "getPid" -> pid;
                        case "getFactoryPid" -> factoryPid;
                        case "getProperties" -> store.containsKey(pid) ? new Hashtable<>(store.get(pid)) : null;
                        case "updateIfDifferent" -> {
                            @SuppressWarnings("unchecked")
                            Hashtable<String, Object> next = new Hashtable<>(toMap((Dictionary<String, Object>) args[0]));
                            next.put("service.pid", pid);
                            next.put("service.factoryPid", factoryPid);
                            Hashtable<String, Object> prev = store.get(pid);
                            if (prev != null && same(prev, next)) {
                                yield false;
                            }
                            store.put(pid, next);
                            updates++;
                            yield true;
                        }
                        case "delete" -> {
                            store.remove(pid);
                            deletes++;
                            yield null;
                        }
                        case "toString" -> "Configuration[" + pid + "]";
                        case "hashCode" -> pid.hashCode();
                        case "equals" -> p == args[0];
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        private static Map<String, Object> toMap(Dictionary<String, Object> d) {
            Map<String, Object> m = new TreeMap<>();
            for (Enumeration<String> k = d.keys(); k.hasMoreElements();) {
                String key = k.nextElement();
                m.put(key, d.get(key));
            }
            return m;
        }

        private static boolean same(Hashtable<String, Object> a, Hashtable<String, Object> b) {
            if (!a.keySet().equals(b.keySet())) {
                return false;
            }
            for (String k : a.keySet()) {
                Object x = a.get(k);
                Object y = b.get(k);
                if (x.getClass().isArray() && y.getClass().isArray()) {
                    int n = Array.getLength(x);
                    if (n != Array.getLength(y)) {
                        return false;
                    }
                    for (int i = 0; i < n; i++) {
                        if (!Array.get(x, i).equals(Array.get(y, i))) {
                            return false;
                        }
                    }
                } else if (!x.equals(y)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static BundleContext context(String boardFile) {
        return (BundleContext) Proxy.newProxyInstance(BoardFileLoaderTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, args) -> {
                    if (m.getName().equals("getProperty")) {
                        return BoardFileLoader.FRAMEWORK_PROPERTY.equals(args[0]) ? boardFile : null;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void loadsValidNodesIdempotentlyAndDeletesNodesGoneFromTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("board (1).json");
        Files.writeString(file, """
                {"platform": "mock", "devices": [
                  {"name": "button0", "compatible": ["gpio-keys"], "gpios": [17]},
                  {"name": "led0", "compatible": ["gpio-leds"], "gpios": [22]},
                  {"name": "bad", "compatible": 5}
                ]}
                """);
        FakeCm cm = new FakeCm();
        BoardFileLoader loader = new BoardFileLoader(cm.admin(), context(file.toString()), Map.of());
        assertEquals(2, cm.store.size());
        Hashtable<String, Object> button = cm.store.get("kdrv.device~button0");
        assertEquals("button0", button.get("name"));
        assertArrayEquals(new int[] {17}, (int[]) button.get("gpios"));
        assertEquals(file.toString(), button.get(BoardFile.KEY_SOURCE));
        assertEquals(2, cm.updates);

        assertEquals(2, loader.load(file.toString()));
        assertEquals(2, cm.updates, "reloading an unchanged file changes nothing");

        Files.writeString(file, """
                {"devices": [
                  {"name": "button0", "compatible": ["gpio-keys"], "gpios": [27]},
                  {"name": "led0", "compatible": 7}
                ]}
                """);
        loader.load(file.toString());
        assertEquals(3, cm.updates);
        assertArrayEquals(new int[] {27}, (int[]) cm.store.get("kdrv.device~button0").get("gpios"));
        assertTrue(cm.store.containsKey("kdrv.device~led0"), "a node that is only invalid now keeps its config");

        Files.writeString(file, "{\"devices\": [{\"name\": \"button0\", \"compatible\": [\"gpio-keys\"], \"gpios\": [27]}]}");
        loader.load(file.toString());
        assertEquals(1, cm.deletes);
        assertEquals(java.util.Set.of("kdrv.device~button0"), cm.store.keySet());

        Files.writeString(file, "{\"devices\": [");
        assertEquals(0, loader.load(file.toString()));
        assertEquals(1, cm.store.size(), "a malformed file deletes nothing");
    }

    @Test
    void configurationPathsAreLoadedToo(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Files.writeString(a, "{\"devices\": [{\"name\": \"x\", \"compatible\": \"x\"}]}");
        Files.writeString(b, "{\"devices\": [{\"name\": \"y\", \"compatible\": \"y\"}]}");
        FakeCm cm = new FakeCm();
        new BoardFileLoader(cm.admin(), context(null), Map.of("path", new String[] {a.toString(), b.toString()}));
        assertEquals(java.util.Set.of("kdrv.device~x", "kdrv.device~y"), cm.store.keySet());
    }

    @Test
    void pathsWithCommasWork(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("board,a.json");
        Path b = dir.resolve("b\\.json");
        Path c = dir.resolve("c,d.json");
        Files.writeString(a, "{\"devices\": [{\"name\": \"x\", \"compatible\": \"x\"}]}");
        Files.writeString(b, "{\"devices\": [{\"name\": \"y\", \"compatible\": \"y\"}]}");
        Files.writeString(c, "{\"devices\": [{\"name\": \"z\", \"compatible\": \"z\"}]}");
        String property = a.toString().replace(",", "\\,") + "," + b.toString().replace("\\", "\\\\");
        FakeCm cm = new FakeCm();
        new BoardFileLoader(cm.admin(), context(property), Map.of("path", c.toString()));
        assertEquals(java.util.Set.of("kdrv.device~x", "kdrv.device~y", "kdrv.device~z"), cm.store.keySet());
        assertEquals(a.toString(), cm.store.get("kdrv.device~x").get(BoardFile.KEY_SOURCE));
        assertEquals(java.util.List.of("a,b", "c\\d", "e"), BoardFileLoader.splitEscaped(" a\\,b , c\\\\d,,e"));
    }

    @Test
    void sizeLimitIsConfigurable(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.json");
        Files.writeString(a, "{\"devices\": [{\"name\": \"x\", \"compatible\": \"x\"}]}");
        FakeCm cm = new FakeCm();
        new BoardFileLoader(cm.admin(), context(null), Map.of("path", a.toString(), "max.bytes", 10L));
        assertTrue(cm.store.isEmpty(), "a file over max.bytes is not loaded");
        new BoardFileLoader(cm.admin(), context(null), Map.of("path", a.toString(), "max.bytes", "lots"));
        assertEquals(java.util.Set.of("kdrv.device~x"), cm.store.keySet(), "a bad max.bytes keeps the default");
    }
}
