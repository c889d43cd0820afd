/**
 * What the core needs from a board bundle ({@link io.kdrv.driver.spi.Board}); not for drivers.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.kdrv.driver.spi;
