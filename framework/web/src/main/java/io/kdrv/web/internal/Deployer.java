package io.kdrv.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Deploys driver bundles into FileInstall's watched directory ({@code felix.fileinstall.dir}, the runtime's
 * {@code deploy/}): an upload is validated completely (size, a readable jar with a central directory and intact
 * entries, an OSGi manifest with a {@code Bundle-SymbolicName}) in a temporary file next to the directory, then
 * moved in as {@code <symbolic-name>.jar} in one step, so FileInstall never sees half a jar. FileInstall installs
 * and starts it, and it survives restarts like any file in {@code deploy/}. Undeploy deletes the file; FileInstall
 * uninstalls the bundle, which removes its devices' drivers.
 *
 * <p>Thread-safe (no state but the directory); each call blocks on file I/O only.
 */
final class Deployer {
    private static final Pattern BSN = Pattern.compile("[A-Za-z0-9_.-]+");
    private final BundleContext ctx;
    private final WebSettings settings;

    Deployer(BundleContext ctx, WebSettings settings) {
        this.ctx = ctx;
        this.settings = settings;
    }

    /** The deploy directory (kdrv.web {@code deploy.dir}, else FileInstall's); 409 when the runtime has none. */
    Path deployDir() {
        String dir = settings.deployDir();
        if (dir == null || dir.isBlank()) {
            throw new ApiException(409, "no deploy directory: neither kdrv.web deploy.dir nor framework property "
                    + "felix.fileinstall.dir is set");
        }
        return Path.of(dir.split(",")[0].trim()).toAbsolutePath().normalize();
    }

    /**
     * Validates and deploys the jar read from {@code body} (at most {@code maxBytes}).
     *
     * @return symbolic name, version and the deployed file
     */
    Map<String, Object> deploy(InputStream body, long maxBytes) throws IOException {
        Path dir = deployDir();
        Files.createDirectories(dir);
        Path parent = dir.getParent() == null ? dir : dir.getParent();
        Path tmp = Files.createTempFile(parent, ".kdrv-upload-", ".part");
        try {
            copyBounded(body, tmp, maxBytes);
            Manifest mf = validate(tmp);
            Attributes a = mf.getMainAttributes();
            String bsn = a.getValue("Bundle-SymbolicName").split(";")[0].trim();
            if (!BSN.matcher(bsn).matches()) {
                throw new ApiException(400, "not a usable bundle: Bundle-SymbolicName '" + bsn + "' has characters "
                        + "other than letters, digits, '.', '_' and '-'");
            }
            String version = a.getValue("Bundle-Version") == null ? "0.0.0" : a.getValue("Bundle-Version").trim();
            Path target = dir.resolve(bsn + ".jar");
            for (Bundle b : ctx.getBundles()) {
                if (bsn.equals(b.getSymbolicName()) && !isDeployed(b, dir)) {
                    throw new ApiException(409, "bundle " + bsn + " is already installed from " + b.getLocation()
                            + ", not from " + dir + ": deploy manages only bundles it put there");
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("bundle", bsn);
            out.put("version", version);
            out.put("file", target.toString());
            return out;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void copyBounded(InputStream in, Path tmp, long maxBytes) throws IOException {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(tmp)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw new ApiException(413, "upload larger than " + maxBytes + " bytes (kdrv.web upload.max.bytes)");
                }
                out.write(buf, 0, n);
            }
        }
        if (total == 0) {
            throw new ApiException(400, "empty upload: send the bundle jar as the request body");
        }
    }

    /** Reads the whole jar: every entry's data and CRC, and the manifest. */
    static Manifest validate(Path jar) {
        try (JarFile jf = new JarFile(jar.toFile(), false)) {
            byte[] buf = new byte[16 * 1024];
            Enumeration<JarEntry> entries = jf.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                try (InputStream in = jf.getInputStream(e)) {
                    while (in.read(buf) > 0) {
                        // reading to the end checks the entry's CRC
                    }
                }
            }
            Manifest mf = jf.getManifest();
            if (mf == null) {
                throw new ApiException(400, "not a bundle: the jar has no META-INF/MANIFEST.MF");
            }
            if (mf.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                throw new ApiException(400, "not a bundle: META-INF/MANIFEST.MF has no Bundle-SymbolicName");
            }
            return mf;
        } catch (ZipException e) {
            throw new ApiException(400, "not a valid jar (truncated or not a zip file): " + e.getMessage());
        } catch (IOException e) {
            throw new ApiException(400, "not a valid jar: " + e.getMessage());
        }
    }

    /**
     * Deletes {@code <bsn>.jar} from the deploy directory.
     *
     * @throws ApiException 404 when it is not there, 409 when the bundle is installed from elsewhere
     */
    Map<String, Object> undeploy(String bsn) throws IOException {
        Path dir = deployDir();
        if (bsn == null || !BSN.matcher(bsn).matches()) {
            throw new ApiException(400, "bad bundle symbolic name '" + bsn + "'");
        }
        Path file = dir.resolve(bsn + ".jar");
        if (!Files.deleteIfExists(file)) {
            for (Bundle b : ctx.getBundles()) {
                if (bsn.equals(b.getSymbolicName())) {
                    throw new ApiException(409, "bundle " + bsn + " is installed from " + b.getLocation()
                            + ", not deployed in " + dir + ": not removed");
                }
            }
            throw new ApiException(404, "no deployed bundle " + bsn + " in " + dir);
        }
        return Json.obj("bundle", bsn, "file", file.toString(), "removed", true);
    }

    /** The jars in the deploy directory with the state of the bundle installed from each. */
    List<Map<String, Object>> list() throws IOException {
        Path dir = deployDir();
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path jar : jars) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file", jar.getFileName().toString());
                Bundle b = installedFrom(jar);
                m.put("bundle", b == null ? null : b.getSymbolicName());
                m.put("version", b == null ? null : b.getVersion().toString());
                m.put("state", b == null ? "NOT_INSTALLED" : state(b));
                out.add(m);
            }
        }
        out.sort((x, y) -> String.valueOf(x.get("file")).compareTo(String.valueOf(y.get("file"))));
        return out;
    }

    private Bundle installedFrom(Path jar) {
        for (Bundle b : ctx.getBundles()) {
            Path p = locationPath(b);
            if (p != null && p.equals(jar.toAbsolutePath().normalize())) {
                return b;
            }
        }
        return null;
    }

    private static boolean isDeployed(Bundle b, Path dir) {
        Path p = locationPath(b);
        return p != null && dir.equals(p.getParent());
    }

    /** FileInstall installs from {@code file:} URLs (possibly prefixed by a URL handler): the file, or null. */
    private static Path locationPath(Bundle b) {
        String loc = b.getLocation();
        int i = loc.indexOf("file:");
        if (i < 0) {
            return null;
        }
        try {
            return Path.of(java.net.URI.create(loc.substring(i).replace(" ", "%20"))).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.STOPPING -> "STOPPING";
            default -> "UNINSTALLED";
        };
    }
}
