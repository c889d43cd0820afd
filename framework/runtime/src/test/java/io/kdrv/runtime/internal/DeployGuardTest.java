package io.kdrv.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;

/** Which installed bundle makes a deploy/ jar a second copy, and which is FileInstall's own for that file. */
@Timeout(30)
class DeployGuardTest {
    private static final Path DEPLOY = Path.of("/var/lib/kdrv/deploy");

    private static Bundle bundle(long id, String bsn, String version, String location) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getSymbolicName" -> bsn;
                    case "getVersion" -> Version.parseVersion(version);
                    case "getLocation" -> location;
                    case "getBundleId" -> id;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static DeployGuard guard(List<Bundle> installed) {
        BundleContext ctx = (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getBundles" -> installed.toArray(Bundle[]::new);
                    case "getProperty" -> null;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return new DeployGuard(ctx);
    }

    @Test
    void aRuntimeBundleIsNeverTakenOverFromDeploy() {
        DeployGuard g = guard(List.of(bundle(3, "kdrv-core", "0.1.0", "kdrv-jar:jar/kdrv-core-0.1.0.jar")));
        String why = g.duplicateOf(DEPLOY.resolve("core.jar"), "kdrv-core", Version.parseVersion("0.2.0"));
        assertTrue(why != null && why.contains("a second copy of kdrv-core 0.1.0, already installed as bundle 3 "
                + "from kdrv-jar:jar/kdrv-core-0.1.0.jar"), why);
        assertNull(g.duplicateOf(DEPLOY.resolve("other.jar"), "other", Version.emptyVersion));
    }

    @Test
    void deployFilesMayUpdateThemselvesAndCoexistInOtherVersions() {
        DeployGuard g = guard(List.of(bundle(40, "drv", "1.0.0", "file:/var/lib/kdrv/deploy/drv.jar"),
                bundle(41, "exploded", "1.0.0", "jardir:/var/lib/kdrv/deploy/exploded")));
        assertNull(g.duplicateOf(DEPLOY.resolve("drv.jar"), "drv", Version.parseVersion("1.0.0")), "its own file");
        assertNull(g.duplicateOf(DEPLOY.resolve("drv-1.1.jar"), "drv", Version.parseVersion("1.1.0")));
        String why = g.duplicateOf(DEPLOY.resolve("copy.jar"), "drv", Version.parseVersion("1.0.0"));
        assertTrue(why != null && why.contains("from drv.jar; remove one of the two files"), why);
        assertNull(g.duplicateOf(Path.of("/var/lib/kdrv/tmp/exploded.jar"), "exploded", Version.parseVersion("1.0.0")),
                "the jarred copy of an exploded directory is that directory's");
    }
}
