/**
 * What the core needs from a board bundle ({@link io.kdrv.driver.spi.Board}); not for drivers.
 *
 * <p>0.2.0 (a breaking change for implementers, before the first release): {@code openInput}/{@code openOutput}
 * take a {@link io.kdrv.driver.LineConfig}; the old signatures are default methods passing
 * {@link io.kdrv.driver.LineConfig#DEFAULT}.
 *
 * <p>0.3.0: {@code Board.openSpi} (a default method: a board without SPI says so) and {@code SpiSettings};
 * {@code Board.openPwm} (a default method: a board without PWM refuses it);
 * {@link io.kdrv.driver.spi.ControllerLine} and the {@code openInput}/{@code openOutput} overloads taking
 * one (lines of GPIO controllers registered by drivers; default methods, so existing boards still compile).
 */
@org.osgi.annotation.versioning.Version("0.3.0")
package io.kdrv.driver.spi;
