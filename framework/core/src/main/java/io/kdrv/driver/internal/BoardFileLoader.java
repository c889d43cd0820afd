package io.kdrv.driver.internal;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads JSON board files ({@link BoardFile}) into Configuration Admin: each valid node becomes factory
 * configuration {@code kdrv.device~<name>} tagged {@value BoardFile#KEY_SOURCE}{@code =<path>}.
 *
 * <p>Files come from framework property {@value #FRAMEWORK_PROPERTY} (one path or a comma-separated list, where
 * {@code \,} is a comma inside a path and {@code \\} a backslash) and from configuration PID {@value #PID} key
 * {@code path} (String or String[], each entry exactly one path: no splitting, so commas need no escaping). A file
 * must be a regular file of at most {@code max.bytes} bytes (default 1 MiB, at most 64 MiB). Loading is idempotent: configurations
 * are looked up by name ({@code getFactoryConfiguration(factoryPid, name, "?")}) and only updated when their
 * content differs; configurations tagged with a file whose node is no longer in it are deleted (a node that is
 * merely invalid now keeps its previous configuration). Every problem is logged naming file, line, node and key;
 * valid nodes load regardless.
 */
@Component(immediate = true, configurationPid = BoardFileLoader.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = BoardFileLoader.Config.class)
public final class BoardFileLoader {
    private static final Logger LOG = LoggerFactory.getLogger(BoardFileLoader.class);

    public static final String PID = "kdrv.boardfile";
    public static final String FRAMEWORK_PROPERTY = "kdrv.board.file";

    @ObjectClassDefinition(id = PID, name = "kdrv board files",
            description = "JSON board files whose device nodes become kdrv.device configurations.")
    public @interface Config {
        @AttributeDefinition(name = "Paths", description = "Board file paths (JSON).", required = false)
        String[] path() default {};

        @AttributeDefinition(name = "Maximum size (bytes)", min = "1", max = "67108864", required = false,
                description = "A larger board file is refused with an error naming it (default 1 MiB).")
        long max_bytes() default BoardFile.DEFAULT_MAX_BYTES;
    }

    static final String KEY_MAX_BYTES = "max.bytes";

    private final ConfigurationAdmin cm;
    private volatile long maxBytes = BoardFile.DEFAULT_MAX_BYTES;

    @Activate
    public BoardFileLoader(@Reference(name = "ConfigurationAdmin") ConfigurationAdmin cm, BundleContext ctx, Map<String, Object> props) {
        this.cm = cm;
        loadAll(ctx, props);
    }

    @Modified
    void modified(BundleContext ctx, Map<String, Object> props) {
        loadAll(ctx, props);
    }

    private void loadAll(BundleContext ctx, Map<String, Object> props) {
        maxBytes = maxBytes(props.get(KEY_MAX_BYTES), true);
        for (String path : paths(ctx, props.get("path"), true)) {
            load(path);
        }
    }

    /**
     * The PIDs of the valid device nodes that the board files configured right now hold, read without writing
     * anything and without logging (loading logs the problems). {@link SettledCondition} waits for them: on a first
     * start the core starts before this component has written them (Configuration Admin hands this component its
     * configuration asynchronously), so Configuration Admin does not list them yet.
     *
     * @param config this component's configuration (PID {@value #PID}) as Configuration Admin holds it, or null
     */
    static Set<String> nodePidsOnFile(BundleContext ctx, Dictionary<String, Object> config) {
        Object path = config == null ? null : config.get("path");
        long limit = maxBytes(config == null ? null : config.get(KEY_MAX_BYTES), false);
        Set<String> pids = new HashSet<>();
        for (String p : paths(ctx, path, false)) {
            try {
                for (BoardFile.Node n : BoardFile.read(Path.of(p), limit).nodes()) {
                    pids.add(DriverManagerComponent.NODE_FACTORY_PID + "~" + n.name());
                }
            } catch (InvalidPathException e) {
                // load() reports it
            }
        }
        return pids;
    }

    /** The framework property's paths, then the configuration's ({@code path}: String, String[] or a collection). */
    private static Set<String> paths(BundleContext ctx, Object p, boolean log) {
        Set<String> paths = new LinkedHashSet<>(splitEscaped(ctx.getProperty(FRAMEWORK_PROPERTY)));
        if (p instanceof String s) {
            addPath(s, paths);
        } else if (p instanceof String[] a) {
            for (String s : a) {
                addPath(s, paths);
            }
        } else if (p instanceof Collection<?> c) {
            for (Object o : c) {
                addPath(o == null ? null : o.toString(), paths);
            }
        } else if (p != null && log) {
            LOG.error("configuration {}: key 'path' must be a String or String[], got {}", PID, Props.describe(p));
        }
        return paths;
    }

    /** The size limit from {@code max.bytes}; a bad value is logged (if {@code log}) naming the key, default kept. */
    private static long maxBytes(Object v, boolean log) {
        if (v == null) {
            return BoardFile.DEFAULT_MAX_BYTES;
        }
        try {
            long n = Props.toLong(v);
            if (n >= 1 && n <= BoardFile.MAX_MAX_BYTES) {
                return n;
            }
            if (log) {
                LOG.error("configuration {}: key '{}' must be 1..{} bytes, got {}; using {}", PID, KEY_MAX_BYTES,
                        BoardFile.MAX_MAX_BYTES, n, BoardFile.DEFAULT_MAX_BYTES);
            }
        } catch (Props.BadValue e) {
            if (log) {
                LOG.error("configuration {}: key '{}': {}; using {}", PID, KEY_MAX_BYTES, e.getMessage(),
                        BoardFile.DEFAULT_MAX_BYTES);
            }
        }
        return BoardFile.DEFAULT_MAX_BYTES;
    }

    private static void addPath(String value, Set<String> into) {
        if (value != null && !value.isBlank()) {
            into.add(value.strip());
        }
    }

    /**
     * Splits the framework property at commas not preceded by a backslash ({@code \,} is a literal comma,
     * {@code \\} a literal backslash): a framework property is one String, and paths may contain commas.
     */
    static List<String> splitEscaped(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() && (value.charAt(i + 1) == ',' || value.charAt(i + 1) == '\\')) {
                cur.append(value.charAt(++i));
            } else if (c == ',') {
                addPath(cur.toString(), out);
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        addPath(cur.toString(), out);
        return out;
    }

    private static void addPath(String value, List<String> into) {
        if (!value.isBlank()) {
            into.add(value.strip());
        }
    }

    /**
     * Loads one board file.
     *
     * @return the number of valid nodes written to Configuration Admin
     */
    int load(String path) {
        Path file;
        try {
            file = Path.of(path);
        } catch (InvalidPathException e) {
            LOG.error("board file {}: not a valid path: {}", path, e.getMessage());
            return 0;
        }
        BoardFile.Result r = BoardFile.read(file, maxBytes);
        for (String w : r.warnings()) {
            LOG.warn(w);
        }
        for (String e : r.errors()) {
            LOG.error(e);
        }
        if (r.malformed()) {
            return 0;
        }
        Set<String> names = new HashSet<>();
        int changed = 0;
        for (BoardFile.Node n : r.nodes()) {
            names.add(n.name());
            try {
                Hashtable<String, Object> props = new Hashtable<>(n.properties());
                props.put(BoardFile.KEY_SOURCE, path);
                Configuration c = cm.getFactoryConfiguration(DriverManagerComponent.NODE_FACTORY_PID, n.name(), "?");
                if (c.updateIfDifferent(props)) {
                    changed++;
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("board file {} line {}: device '{}': cannot store its configuration: {}", path, n.line(),
                        n.name(), e.toString(), e);
            }
        }
        int deleted = deleteStale(path, names, r.invalidNames());
        LOG.info("board file {}: {} devices ({} new or changed, {} removed){}{}", path, r.nodes().size(), changed,
                deleted, r.errors().isEmpty() ? "" : ", " + r.errors().size() + " problems logged",
                r.warnings().isEmpty() ? "" : ", " + r.warnings().size() + " warnings logged");
        return r.nodes().size();
    }

    /** Deletes configurations created from {@code path} whose node is gone from the file. */
    private int deleteStale(String path, Set<String> present, Set<String> invalid) {
        String filter = "(&(service.factoryPid=" + DriverManagerComponent.NODE_FACTORY_PID + ")("
                + BoardFile.KEY_SOURCE + "=" + escape(path) + "))";
        int deleted = 0;
        try {
            Configuration[] configs = cm.listConfigurations(filter);
            List<Configuration> stale = new ArrayList<>();
            if (configs != null) {
                for (Configuration c : configs) {
                    Dictionary<String, Object> p = c.getProperties();
                    Object name = p == null ? null : p.get(NodeParser.KEY_NAME);
                    if (!present.contains(name) && !invalid.contains(name)) {
                        stale.add(c);
                    }
                }
            }
            for (Configuration c : stale) {
                LOG.info("board file {}: device node {} is no longer in the file; deleting it", path, c.getPid());
                c.delete();
                deleted++;
            }
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            LOG.error("board file {}: cannot list or delete stale configurations: {}", path, e.toString(), e);
        }
        return deleted;
    }

    /** LDAP filter value escaping (RFC 4515 subset used by OSGi filters). */
    static String escape(String v) {
        StringBuilder sb = new StringBuilder(v.length());
        for (char c : v.toCharArray()) {
            if (c == '\\' || c == '(' || c == ')' || c == '*') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
