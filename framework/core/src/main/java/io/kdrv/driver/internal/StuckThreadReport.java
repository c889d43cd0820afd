package io.kdrv.driver.internal;

import java.time.Instant;
import java.util.List;

/**
 * A kthread the core gave up waiting for: a driver call that did not return in time, or a device-managed kthread
 * that ignored {@code stop}. The same facts are logged at ERROR; this record keeps them for diagnostics and tests.
 *
 * @param device the device whose driver owns the thread
 * @param thread the kthread's name
 * @param what   what the core was waiting for ("probe by driver x", "kthread stop", ...)
 * @param stack  the thread's stack when the wait timed out
 * @param at     when it was reported
 */
record StuckThreadReport(String device, String thread, String what, List<StackTraceElement> stack, Instant at) {
    static StuckThreadReport of(String device, String thread, String what, Throwable withStack) {
        return new StuckThreadReport(device, thread, what, List.of(withStack.getStackTrace()), Instant.now());
    }
}
