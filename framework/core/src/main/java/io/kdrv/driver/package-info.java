/**
 * The kdrv device model for driver authors: {@link io.kdrv.driver.Driver} (implemented by drivers),
 * {@link io.kdrv.driver.Device} and its device-managed resources, {@link io.kdrv.driver.Binding} /
 * {@link io.kdrv.driver.NodeKey} (a driver's node keys), {@link io.kdrv.driver.LineConfig} (GPIO line flags),
 * {@link io.kdrv.driver.Sensor} / {@link io.kdrv.driver.SensorChannel} (sensor channels and the core's poller), and
 * {@link io.kdrv.driver.DeviceManager} (introspection).
 *
 * <p>0.2.0: {@code LineConfig}, {@code Device.gpioConfig} and the {@code gpioInput}/{@code gpioOutput} overloads
 * taking one; {@code Sensor}, {@code SensorChannel}, {@code SensorReading}, {@code SensorPoll}, {@code SensorInfo},
 * {@code Device.sensor}, {@code Device.startSensorPoller}, {@code DeviceManager.sensor}.
 *
 * <p>0.3.0: {@code Device.spi()} and {@code SpiKeys}; {@code PwmState}, {@code PwmController}, {@code Device.pwm},
 * {@code Device.registerPwmController};
 * GPIO controllers provided by drivers: {@code GpioController} (implemented by the driver), {@code GpioChip} (its
 * handle, edge delivery), {@code Device.registerGpioController}, and {@code ControllerRef} (the
 * {@code "<controller>:<n>"} reference form of node entries, generic for other controller classes).
 *
 * <p>0.4.0: {@code Device.gpioName}/{@code gpioNames} (a line's name as the board file writes it,
 * {@code "expander0:3"}); for expander drivers, {@code ChipInterrupt} (the INT line cascaded into the controller's
 * lines) and {@code GpioChip.handleNestedIrqs} (edges of a port bitmask).
 *
 * <p>Versioned with OSGi semantic versioning (bnd baselining checks it): an interface marked
 * {@code @ConsumerType} (implemented by drivers) may only change in a major version; {@code @ProviderType} ones
 * (implemented by the core) may gain methods in a minor version.
 */
@org.osgi.annotation.versioning.Version("0.4.0")
package io.kdrv.driver;
