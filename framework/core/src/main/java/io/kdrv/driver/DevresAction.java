package io.kdrv.driver;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A release action registered with {@link Device#addAction}: Linux {@code devm_add_action}. Runs when the device
 * is removed (after {@link Driver#remove} returned) or its probe fails, in reverse order of registration with the
 * device's other resources, on the core's probe worker. An exception is
 * logged with the device name and the remaining actions still run.
 */
@FunctionalInterface
@ConsumerType
public interface DevresAction {
    void release() throws Exception;
}
