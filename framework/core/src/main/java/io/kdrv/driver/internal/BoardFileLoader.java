package io.kdrv.driver.internal;

import java.io.IOException;
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
 * <p>Files come from framework property {@value #FRAMEWORK_PROPERTY} (one path or a comma-separated list) and from
 * configuration PID {@value #PID} key {@code path} (String or String[]). Loading is idempotent: configurations
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
    }

    private final ConfigurationAdmin cm;

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
        Set<String> paths = new LinkedHashSet<>();
        split(ctx.getProperty(FRAMEWORK_PROPERTY), paths);
        Object p = props.get("path");
        if (p instanceof String s) {
            split(s, paths);
        } else if (p instanceof String[] a) {
            for (String s : a) {
                split(s, paths);
            }
        } else if (p instanceof Collection<?> c) {
            for (Object o : c) {
                split(o == null ? null : o.toString(), paths);
            }
        } else if (p != null) {
            LOG.error("configuration {}: key 'path' must be a String or String[], got {}", PID, Props.describe(p));
        }
        for (String path : paths) {
            load(path);
        }
    }

    private static void split(String value, Set<String> into) {
        if (value == null) {
            return;
        }
        for (String s : value.split(",")) {
            if (!s.isBlank()) {
                into.add(s.strip());
            }
        }
    }

    /**
     * Loads one board file.
     *
     * @return the number of valid nodes written to Configuration Admin
     */
    int load(String path) {
        BoardFile.Result r = BoardFile.read(Path.of(path));
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
                deleted, r.platform() != null ? ", platform " + r.platform() : "",
                r.errors().isEmpty() ? "" : ", " + r.errors().size() + " problems logged");
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
