package io.kdrv.runtime.launcher;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.hooks.bundle.EventHook;
import org.osgi.framework.hooks.bundle.FindHook;

/**
 * Hides the bundles named in {@value #PROPERTY} (comma-separated symbolic names) from SPI Fly, the OSGi
 * ServiceLoader mediator, so that it never takes them for ServiceLoader consumers or providers.
 *
 * <p>Why: SPI Fly treats every bundle that requires {@code osgi.serviceloader.processor} as a consumer and then
 * reads and rewrites every class that bundle loads with ASM (frames recomputed, superclasses looked up) to find
 * {@code ServiceLoader.load} calls. Felix HTTP Jetty requires it, optionally, only for HTTP/2 header pre-encoders and
 * TLS ALPN processors, neither of which the loopback HTTP/1.1 console uses (Jetty always has its HTTP/1.1 encoder);
 * but its ~450 classes went through the weaver on every start, a JDK AOT cache notwithstanding (the cache takes a
 * class only after the bundle class loader has read it and the weaving hooks have run). SPI Fly offers no setting
 * for this, it finds consumers with a {@code BundleTracker}: the find hook keeps the bundles out of its
 * {@code getBundles()}, the event hook keeps their events from its listeners.
 *
 * <p>Registered on the system bundle by {@link FelixRunner} after {@code init()}, before any bundle starts. Hook
 * calls come from any framework thread; the object is immutable.
 */
final class SpiFlyScope implements FindHook, EventHook {
    static final String PROPERTY = "kdrv.spifly.skip";
    /** SPI Fly's bundles (the dynamic weaving bundle and its variants). */
    private static final String SPI_FLY_PREFIX = "org.apache.aries.spifly";

    private final Set<String> hidden;

    private SpiFlyScope(Set<String> hidden) {
        this.hidden = hidden;
    }

    /** Registers the hooks when the property names any bundle. */
    static void register(BundleContext system, String property) {
        Set<String> names = parse(property);
        if (!names.isEmpty()) {
            system.registerService(new String[] {FindHook.class.getName(), EventHook.class.getName()},
                    new SpiFlyScope(names), null);
        }
    }

    static Set<String> parse(String property) {
        return property == null ? Set.of()
                : Stream.of(property.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                        .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void find(BundleContext context, Collection<Bundle> bundles) {
        if (isSpiFly(context)) {
            bundles.removeIf(this::isHidden);
        }
    }

    @Override
    public void event(BundleEvent event, Collection<BundleContext> contexts) {
        if (isHidden(event.getBundle())) {
            contexts.removeIf(SpiFlyScope::isSpiFly);
        }
    }

    private boolean isHidden(Bundle b) {
        String bsn = b.getSymbolicName();
        return bsn != null && hidden.contains(bsn);
    }

    private static boolean isSpiFly(BundleContext context) {
        String bsn = context.getBundle().getSymbolicName();
        return bsn != null && bsn.startsWith(SPI_FLY_PREFIX);
    }
}
