package io.kdrv.driver;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One entry of a device's devres list: returned by {@link Device#addAction} and, for the resources the
 * {@link Device} hands out, by {@link Device#devres(Object)}. Lets a driver give a device-managed resource back
 * before remove (Linux {@code devm_release_action} / {@code devm_remove_action}).
 *
 * <p>Thread-safe; each entry is released at most once, whichever of {@link #release()}, {@link #remove()} and the
 * core's release on remove / probe failure comes first.
 */
@ProviderType
public interface DevresHandle {
    /** What the entry holds, for logs ({@code "kthread blink/led0"}, {@code "gpio input 17 (gpios[0])"}). */
    String what();

    /** @return whether the entry is still on the device's devres list */
    boolean active();

    /**
     * {@code devm_release_action}: takes the entry off the list and releases the resource now, on the calling
     * thread (stops the kthread, frees the IRQ, closes the pin, runs the action). A release that throws is logged
     * naming the device; the entry is gone either way.
     *
     * @return false if the entry was no longer on the list (already released or removed): nothing was run
     */
    boolean release();

    /**
     * {@code devm_remove_action}: takes the entry off the list without releasing the resource; the driver is
     * responsible for it from now on.
     *
     * @return false if the entry was no longer on the list
     */
    boolean remove();
}
