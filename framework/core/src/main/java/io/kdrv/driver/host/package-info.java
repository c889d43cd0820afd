/**
 * Embedding the kdrv driver core without OSGi ({@link io.kdrv.driver.host.DriverHost}): for test beds, benchmarks
 * and other hosts that supply nodes, drivers and a board themselves.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.kdrv.driver.host;
