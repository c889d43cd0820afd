/**
 * kdrv's Linux uAPI layer: GPIO chips and line requests on the GPIO character device v2
 * ({@link io.kdrv.board.linux.GpioChip}, {@link io.kdrv.board.linux.LineRequest},
 * {@link io.kdrv.board.linux.LineConfig}) and the {@code raspberrypi} / {@code linux} board platforms
 * ({@link io.kdrv.board.linux.LinuxPlatforms}), all through {@code java.lang.foreign}: no JNI, no libgpiod.
 */
package io.kdrv.board.linux;
