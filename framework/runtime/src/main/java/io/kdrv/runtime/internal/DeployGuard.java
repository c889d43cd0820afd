package io.kdrv.runtime.internal;

import io.kdrv.runtime.internal.DeployCheck.Kind;
import io.kdrv.runtime.internal.DeployCheck.Verdict;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate in front of FileInstall for deploy/: every new or changed file is offered to the listener with the
 * highest ranking first, so this one sees it before FileInstall's own bundle and configuration handlers.
 *
 * <ul>
 * <li>Unusable files (empty, not a jar, truncated, no manifest, no Bundle-SymbolicName, unknown type): one ERROR
 *     line naming the file and the problem, once per version of the file; {@link #canHandle} answers false, so
 *     FileInstall keeps the file pending and offers it again, and a fixed file installs as usual.</li>
 * <li>Refused files are claimed ({@link #canHandle} true) and nothing is done with them: too big (not read), a
 *     bad manifest header, a second copy of an installed bundle (FileInstall would take the installed bundle over,
 *     and deleting the copy would uninstall it, kdrv-core included), a configuration of a PID other than
 *     {@code kdrv.device} factory nodes and {@code kdrv.*} settings (a factory configuration of
 *     {@code org.apache.felix.fileinstall} would watch any directory), a mistyped value. One ERROR line each.
 *     When a claimed file changes and passes, it is handed back to FileInstall (see {@link #uninstall}).</li>
 * </ul>
 *
 * <p>Limits: framework properties {@value DeployCheck#BUNDLE_MAX} (default 64 MiB) and
 * {@value DeployCheck#CONFIG_MAX} (default 1 MiB); deploy/ itself cannot change them. Called on FileInstall's
 * watcher thread; the verdict cache is thread-safe.
 */
@Component(service = ArtifactInstaller.class, immediate = true,
        property = Constants.SERVICE_RANKING + ":Integer=" + Integer.MAX_VALUE)
public final class DeployGuard implements ArtifactInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(DeployGuard.class);

    /** A file's identity as FileInstall's scanner sees it: a new stamp is a new version of the file. */
    private record Stamp(long size, long modified) {
        static Stamp of(File f) {
            return new Stamp(f.length(), f.lastModified());
        }
    }

    private record Seen(Stamp stamp, Verdict verdict, boolean refused) {
    }

    private final BundleContext ctx;
    private final DeployCheck check;
    private final Map<Path, Seen> seen = new ConcurrentHashMap<>();

    @Activate
    public DeployGuard(BundleContext ctx) {
        this.ctx = ctx;
        List<String> problems = new ArrayList<>();
        long bundleMax = DeployCheck.limit(ctx.getProperty(DeployCheck.BUNDLE_MAX), DeployCheck.BUNDLE_MAX,
                DeployCheck.DEFAULT_BUNDLE_MAX, problems);
        long configMax = DeployCheck.limit(ctx.getProperty(DeployCheck.CONFIG_MAX), DeployCheck.CONFIG_MAX,
                DeployCheck.DEFAULT_CONFIG_MAX, problems);
        problems.forEach(p -> LOG.error("deploy/: {}", p));
        this.check = new DeployCheck(bundleMax, configMax);
    }

    @Deactivate
    void deactivate() {
        seen.clear();
    }

    @Override
    public boolean canHandle(File artifact) {
        Path p = artifact.toPath().toAbsolutePath().normalize();
        Stamp stamp = Stamp.of(artifact);
        Seen s = seen.get(p);
        if (s != null && s.stamp().equals(stamp)) {
            return s.refused();
        }
        Verdict v = check.check(p);
        if (v.kind() == Kind.BUNDLE) {
            String dup = duplicateOf(p, v.symbolicName(), v.version());
            if (dup != null) {
                v = Verdict.problem(Kind.REFUSED, dup);
            }
        }
        if (v.kind() == Kind.GONE) {
            seen.remove(p);
            return false;
        }
        boolean refused = v.kind() == Kind.REFUSED;
        seen.put(p, new Seen(stamp, v, refused));
        if (v.problem() != null) {
            LOG.error("deploy/ file {}: {}{}", p, v.problem(), refused ? "; refused until the file changes"
                    : "; ignored until the file changes");
        }
        return refused;
    }

    /**
     * The refusal when an installed bundle already has this symbolic name: any version when it comes from outside
     * the file's directory (the kdrv jar, Gogo), the same version when it comes from another file next to it.
     * FileInstall would otherwise update that bundle in place and own it from then on.
     */
    String duplicateOf(Path file, String bsn, Version version) {
        for (Bundle b : ctx.getBundles()) {
            if (!bsn.equals(b.getSymbolicName())) {
                continue;
            }
            Path from = fileOf(b.getLocation());
            if (file.equals(from) || fromDirectory(b.getLocation(), file)) {
                return null; // FileInstall's own bundle for this very file: an update
            }
            boolean sibling = from != null && file.getParent().equals(from.getParent());
            if (!sibling) {
                return "a second copy of " + bsn + " " + b.getVersion() + ", already installed as bundle "
                        + b.getBundleId() + " from " + b.getLocation() + " (part of the runtime: update the kdrv "
                        + "jar or package instead)";
            }
            if (b.getVersion().equals(version)) {
                return "a second copy of " + bsn + " " + version + ", already installed as bundle "
                        + b.getBundleId() + " from " + from.getFileName() + "; remove one of the two files";
            }
        }
        return null;
    }

    /**
     * FileInstall installs an exploded bundle directory {@code deploy/x} from location {@code jardir:<path>}, and
     * offers its jarred copy {@code <tmp>/x.jar}: the same artifact.
     */
    private static boolean fromDirectory(String location, Path file) {
        if (!location.startsWith("jardir:")) {
            return false;
        }
        String dir = Path.of(location.substring("jardir:".length())).getFileName().toString();
        return file.getFileName().toString().equals(dir + ".jar");
    }

    private static Path fileOf(String location) {
        try {
            return location.startsWith("file:") ? Path.of(URI.create(location)).toAbsolutePath().normalize() : null;
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
    }

    @Override
    public void install(File artifact) {
        // refused: nothing to install (the line was logged when the file was offered)
    }

    @Override
    public void update(File artifact) {
        // still refused after a change (logged by canHandle)
    }

    /**
     * The file was deleted, or changed and now passes. In the second case FileInstall forgets it after calling
     * this and only looks at it again when it changes: touching it makes the next scan offer it as a new file.
     */
    @Override
    public void uninstall(File artifact) {
        Path p = artifact.toPath().toAbsolutePath().normalize();
        seen.remove(p);
        if (artifact.isFile()) {
            LOG.info("deploy/ file {}: no longer refused; handing it to FileInstall", p);
            if (!artifact.setLastModified(System.currentTimeMillis())) {
                LOG.error("deploy/ file {}: cannot touch it; change it again to have it installed", p);
            }
        }
    }
}
