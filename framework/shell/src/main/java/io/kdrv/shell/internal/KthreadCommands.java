package io.kdrv.shell.internal;

import io.kdrv.kthread.Kthreads;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo command {@code kthread:ps}: every live kthread, like {@code ps ax}, then the raw threads stopped bundles left
 * running ({@link ForeignThreads}). The format is in {@link PsFormat}.
 */
@Component(service = KthreadCommands.class, property = {
        "osgi.command.scope=kthread",
        "osgi.command.function=ps"})
public final class KthreadCommands {
    private final ForeignThreads foreign;

    @Activate
    public KthreadCommands(@Reference ForeignThreads foreign) {
        this.foreign = foreign;
    }

    @Descriptor("list live kthreads: TID, state (" + PsFormat.LEGEND + "), CPU list, wakeups, CPU time, owner, [name]")
    public String ps() {
        return PsFormat.format(Kthreads.list(), foreign.list());
    }
}
