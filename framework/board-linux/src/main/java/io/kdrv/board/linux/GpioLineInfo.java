package io.kdrv.board.linux;

import java.time.Duration;

/**
 * What the kernel says about one line ({@code GPIO_V2_GET_LINEINFO_IOCTL}), whoever holds it.
 *
 * @param offset    the line's offset on its chip
 * @param name      the line's name from the device tree / driver, "" when unnamed
 * @param consumer  the label of whoever requested it, "" when free
 * @param used      whether the line is requested (by any process or a kernel driver)
 * @param direction input or output
 * @param bias      the bias, {@link LineConfig.Bias#AS_IS} when the kernel reports none
 * @param drive     the drive (only meaningful for outputs)
 * @param activeLow whether the line is active-low
 * @param edge      the edge detection of the current request
 * @param debounce  the kernel debounce period, {@link Duration#ZERO} for none
 */
public record GpioLineInfo(int offset, String name, String consumer, boolean used, LineConfig.Direction direction,
        LineConfig.Bias bias, LineConfig.Drive drive, boolean activeLow, LineConfig.EdgeDetect edge,
        Duration debounce) {
}
