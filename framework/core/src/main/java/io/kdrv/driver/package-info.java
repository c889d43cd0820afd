/**
 * The kdrv device model for driver authors: {@link io.kdrv.driver.Driver} (implemented by drivers),
 * {@link io.kdrv.driver.Device} and its device-managed resources, {@link io.kdrv.driver.Binding} /
 * {@link io.kdrv.driver.NodeKey} (a driver's node keys), and {@link io.kdrv.driver.DeviceManager} (introspection).
 *
 * <p>Versioned with OSGi semantic versioning (bnd baselining checks it): an interface marked
 * {@code @ConsumerType} (implemented by drivers) may only change in a major version; {@code @ProviderType} ones
 * (implemented by the core) may gain methods in a minor version.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.kdrv.driver;
