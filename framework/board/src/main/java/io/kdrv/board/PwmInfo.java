package io.kdrv.board;

/**
 * Snapshot of one claimed SoC PWM channel, as shown by {@code gpio:list}.
 *
 * @param chip      the board's PWM chip
 * @param channel   the channel on it
 * @param owner     name of the device that claimed it
 * @param enabled   whether it outputs
 * @param frequency in Hz as programmed (-1 when it cannot be read)
 * @param dutyCycle in percent (-1 when it cannot be read)
 */
public record PwmInfo(int chip, int channel, String owner, boolean enabled, int frequency, int dutyCycle) {
}
