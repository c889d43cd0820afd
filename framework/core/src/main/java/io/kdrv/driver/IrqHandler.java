package io.kdrv.driver;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Bottom half of a threaded IRQ: runs on the IRQ's own kthread {@code irq/<line>-<device>}, one event at a time,
 * in edge order. It may sleep. An exception is logged with the device and line and the next event is still
 * delivered.
 */
@FunctionalInterface
@ConsumerType
public interface IrqHandler {
    void handle(IrqEvent event) throws Exception;
}
