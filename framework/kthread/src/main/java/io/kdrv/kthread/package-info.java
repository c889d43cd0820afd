/**
 * Linux-style kernel threads for plain Java: {@link io.kdrv.kthread.Kthread} (create/run/stop/park),
 * {@link io.kdrv.kthread.WaitQueue}, {@link io.kdrv.kthread.Completion}, {@link io.kdrv.kthread.KthreadWorker}
 * and {@link io.kdrv.kthread.PeriodicTimer}. Wait names say whether the wait is interruptible, as in Linux.
 *
 * <p>Versioning: every class here is final (the package provides it; nobody else implements it), so only
 * {@link io.kdrv.kthread.ThreadFn}, the one interface callers implement, carries a role ({@code @ConsumerType}).
 * The annotations have class retention: the bundle imports nothing from OSGi at run time.
 */
@Version("0.3.0")
package io.kdrv.kthread;

import org.osgi.annotation.versioning.Version;
