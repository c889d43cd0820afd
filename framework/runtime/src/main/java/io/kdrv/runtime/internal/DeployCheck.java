package io.kdrv.runtime.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import org.apache.felix.cm.file.ConfigurationHandler;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/**
 * What a file dropped into deploy/ is, decided from the file alone (no framework call): a usable bundle (with its
 * symbolic name and version), a kdrv configuration, or a problem in one line naming the file. Stateless and
 * thread-safe; reads at most the file's manifest, or a configuration file of at most {@code configMax} bytes.
 *
 * <p>Problems come in two kinds: {@link Kind#UNUSABLE} files FileInstall would skip silently and retry on every
 * poll (no listener can handle them); {@link Kind#REFUSED} files FileInstall would act on (install a jar with a bad
 * header and print a trace, read a huge file, apply a foreign PID or a mistyped value), so they must be claimed.
 */
final class DeployCheck {
    /** The framework property limiting the size of a bundle (or any non-configuration file) in deploy/. */
    static final String BUNDLE_MAX = "kdrv.deploy.max.bytes";
    /** The framework property limiting the size of a configuration file in deploy/. */
    static final String CONFIG_MAX = "kdrv.deploy.config.max.bytes";
    static final long DEFAULT_BUNDLE_MAX = 64L << 20, DEFAULT_CONFIG_MAX = 1L << 20;
    /** The one factory PID a deploy/ configuration may create. */
    static final String DEVICE_FACTORY = "kdrv.device";

    enum Kind { BUNDLE, CONFIG, UNUSABLE, REFUSED, GONE }

    /** The verdict; {@code problem} is set for UNUSABLE and REFUSED, {@code symbolicName/version} for BUNDLE. */
    record Verdict(Kind kind, String problem, String symbolicName, Version version) {
        static Verdict problem(Kind k, String problem) {
            return new Verdict(k, problem, null, null);
        }
    }

    private final long bundleMax, configMax;

    DeployCheck(long bundleMax, long configMax) {
        this.bundleMax = bundleMax;
        this.configMax = configMax;
    }

    /** Reads a size limit property: a positive byte count, else the default (and the problem, to be logged). */
    static long limit(String value, String key, long dflt, List<String> problems) {
        if (value == null || value.isBlank()) {
            return dflt;
        }
        try {
            long v = Long.parseLong(value.strip());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(key + "=" + value + " is not a positive byte count; using " + dflt);
        return dflt;
    }

    static boolean isConfig(String name) {
        return name.endsWith(".cfg") || name.endsWith(".config");
    }

    Verdict check(Path file) {
        String name = file.getFileName().toString();
        long size;
        try {
            if (!Files.isRegularFile(file)) {
                return Files.exists(file) ? Verdict.problem(Kind.UNUSABLE, "not a regular file")
                        : Verdict.problem(Kind.GONE, "gone");
            }
            size = Files.size(file);
        } catch (IOException e) {
            return Verdict.problem(Kind.GONE, "gone");
        }
        if (isConfig(name)) {
            if (size > configMax) {
                return Verdict.problem(Kind.REFUSED, tooBig(size, configMax, CONFIG_MAX) + "; not read");
            }
            return checkConfig(file, name);
        }
        if (name.endsWith(".json") || name.endsWith(".txt") || name.endsWith(".xml")
                || name.endsWith(".properties")) {
            return Verdict.problem(Kind.UNUSABLE, "FileInstall takes bundles (.jar) and configurations (.cfg, "
                    + ".config) only; a board file is named by kdrv.boardfile path");
        }
        if (size > bundleMax) {
            return Verdict.problem(Kind.REFUSED, tooBig(size, bundleMax, BUNDLE_MAX) + "; not read");
        }
        if (size == 0) {
            return Verdict.problem(Kind.UNUSABLE, "empty file (0 bytes), not a bundle");
        }
        return checkBundle(file);
    }

    private static String tooBig(long size, long max, String key) {
        return size + " bytes is over the limit of " + max + " bytes (" + key + ")";
    }

    // ---- bundles

    private Verdict checkBundle(Path file) {
        Manifest m;
        try (JarFile jar = new JarFile(file.toFile())) { // reads the central directory: a truncated zip fails here
            m = jar.getManifest();
        } catch (IOException | SecurityException e) {
            return Verdict.problem(Kind.UNUSABLE, "not a jar, or truncated (" + e.getMessage() + ")");
        }
        if (m == null) {
            return Verdict.problem(Kind.UNUSABLE, "jar without META-INF/MANIFEST.MF, not a bundle");
        }
        Attributes a = m.getMainAttributes();
        String bsnHeader = a.getValue("Bundle-SymbolicName");
        if (bsnHeader == null || bsnHeader.isBlank()) {
            return Verdict.problem(Kind.UNUSABLE, "no Bundle-SymbolicName header, not an OSGi bundle");
        }
        // FileInstall reads the manifest with a JarInputStream: it must be among the first entries
        try (InputStream in = Files.newInputStream(file); JarInputStream jin = new JarInputStream(in, false)) {
            if (jin.getManifest() == null) {
                return Verdict.problem(Kind.REFUSED, "META-INF/MANIFEST.MF is not the first entry of the jar "
                        + "(FileInstall reads it as a stream)");
            }
        } catch (IOException e) {
            return Verdict.problem(Kind.UNUSABLE, "not a jar, or truncated (" + e.getMessage() + ")");
        }
        List<String> bad = new ArrayList<>();
        String bsn = clauses(bsnHeader, "Bundle-SymbolicName", bad).isEmpty() ? null
                : bsnHeader.split(";", 2)[0].strip();
        if (bsn != null && !bsn.matches("[A-Za-z0-9_.\\-]+")) {
            bad.add("Bundle-SymbolicName \"" + bsn + "\" is not a symbolic name");
        }
        String mv = a.getValue("Bundle-ManifestVersion");
        if (mv != null && !mv.strip().equals("2") && !mv.strip().equals("1")) {
            bad.add("Bundle-ManifestVersion \"" + mv + "\" is not 1 or 2");
        }
        Version version = Version.emptyVersion;
        String v = a.getValue("Bundle-Version");
        if (v != null) {
            try {
                version = Version.parseVersion(v.strip());
            } catch (IllegalArgumentException e) {
                bad.add("Bundle-Version \"" + v + "\": " + e.getMessage());
            }
        }
        for (String h : List.of("Import-Package", "DynamicImport-Package", "Require-Bundle", "Fragment-Host")) {
            checkVersions(a.getValue(h), h, "version", true, bad);
            checkVersions(a.getValue(h), h, "bundle-version", true, bad);
        }
        checkVersions(a.getValue("Export-Package"), "Export-Package", "version", false, bad);
        if (!bad.isEmpty()) {
            return Verdict.problem(Kind.REFUSED, "bad manifest header: " + String.join("; ", bad));
        }
        return new Verdict(Kind.BUNDLE, null, bsn, version);
    }

    /** The clauses of an OSGi header (split on commas outside quotes); unbalanced quotes are reported. */
    static List<String> clauses(String header, String name, List<String> bad) {
        List<String> out = new ArrayList<>();
        if (header == null) {
            return out;
        }
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                out.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            bad.add(name + ": unbalanced quote");
            return List.of();
        }
        out.add(cur.toString().strip());
        for (String c : out) {
            if (c.isEmpty() || c.startsWith(";")) {
                bad.add(name + ": empty clause in \"" + header + "\"");
                return List.of();
            }
        }
        return out;
    }

    /** Checks every {@code attr=...} value of {@code header} as a version range (imports) or a version. */
    private static void checkVersions(String header, String name, String attr, boolean range, List<String> bad) {
        for (String clause : clauses(header, name, bad)) {
            for (String part : clause.split(";(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
                int eq = part.indexOf('=');
                if (eq < 0 || part.charAt(eq - 1 < 0 ? 0 : eq - 1) == ':'
                        || !part.substring(0, eq).strip().equals(attr)) {
                    continue;
                }
                String value = part.substring(eq + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                try {
                    if (range) {
                        VersionRange.valueOf(value);
                    } else {
                        Version.parseVersion(value);
                    }
                } catch (IllegalArgumentException e) {
                    bad.add(name + " " + attr + "=\"" + value + "\": " + e.getMessage());
                }
            }
        }
    }

    // ---- configurations

    /** FileInstall's PID from a file name: {@code pid.cfg}, or {@code factoryPid-name.cfg} (first dash). */
    static String[] pid(String name) {
        String base = name.substring(0, name.lastIndexOf('.'));
        int dash = base.indexOf('-');
        return dash > 0 ? new String[] {base.substring(0, dash), base.substring(dash + 1)}
                : new String[] {base, null};
    }

    private Verdict checkConfig(Path file, String name) {
        String[] pid = pid(name);
        if (pid[1] != null && !pid[0].equals(DEVICE_FACTORY)) {
            return Verdict.problem(Kind.REFUSED, "factory configuration of " + pid[0] + " refused: deploy/ takes "
                    + "device nodes (" + DEVICE_FACTORY + "-<name>.config) and kdrv.* settings only");
        }
        if (pid[1] == null && (!pid[0].startsWith("kdrv.") || pid[0].equals(DEVICE_FACTORY))) {
            return Verdict.problem(Kind.REFUSED, "configuration of PID " + pid[0] + " refused: deploy/ takes device "
                    + "nodes (" + DEVICE_FACTORY + "-<name>.config) and kdrv.* settings only");
        }
        if (name.endsWith(".config")) {
            String bad = typedValueProblem(file);
            if (bad != null) {
                return Verdict.problem(Kind.REFUSED, bad + "; configuration not applied");
            }
        }
        return new Verdict(Kind.CONFIG, null, null, null);
    }

    /**
     * The first key whose typed value (Felix .config format, e.g. {@code gpios=I["17", "27"]}) does not parse, as
     * "key gpios: ..."; null when the whole file parses. Each logical line is parsed alone to name the key.
     */
    static String typedValueProblem(Path file) {
        String text;
        try {
            // a line ending in a backslash continues on the next (FileInstall's reader accepts it, Config Admin's
            // does not): one logical line per key
            text = Files.readString(file, StandardCharsets.UTF_8).replaceAll("\\\\\r?\n", " ");
        } catch (IOException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
        try {
            ConfigurationHandler.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            return null;
        } catch (IOException | RuntimeException whole) {
            for (String line : text.split("\r?\n", -1)) {
                String l = line + "\n";
                String t = l.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                try {
                    ConfigurationHandler.read(new ByteArrayInputStream(l.getBytes(StandardCharsets.UTF_8)));
                } catch (IOException | RuntimeException e) {
                    int eq = t.indexOf('=');
                    String key = eq > 0 ? t.substring(0, eq).strip() : t;
                    String value = eq > 0 ? t.substring(eq + 1).strip() : "";
                    return "key " + key + ": value " + value + " is not a valid typed value (" + describe(e) + ")";
                }
            }
            return "does not parse as a .config file (" + describe(whole) + ")";
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
