package io.kdrv.board.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration of the board service: Configuration Admin PID {@code kdrv.board}. The metatype for tools; the
 * component reads the raw values key by key ({@link IrqSettings#from}), so a bad value is named and rejected alone.
 */
@ObjectClassDefinition(id = "kdrv.board", name = "kdrv board",
        description = "Which hardware platform the kdrv board runs on, threaded IRQ sizing and kernel edge settings.")
public @interface BoardConfig {
    @AttributeDefinition(name = "Platform",
            description = "auto: raspberrypi when /proc/device-tree/model contains 'Raspberry Pi', else mock. "
                    + "When auto, the framework property kdrv.board.platform is consulted first.",
            options = {
                @Option(value = "auto", label = "Auto-detect"),
                @Option(value = "mock", label = "Mock board (kdrv-board-mock)"),
                @Option(value = "raspberrypi", label = "Raspberry Pi (gpiod + linuxfs)")
            })
    String platform() default "auto";

    @AttributeDefinition(name = "IRQ FIFO capacity", min = "1", max = "65536",
            description = "Edges each threaded IRQ queues between its top and bottom half; further edges are "
                    + "counted as overflows.")
    int irq_fifo_capacity() default 1024;

    @AttributeDefinition(name = "Kernel event buffer", min = "0", max = "1024",
            description = "On a GPIO character device: the kernel's event buffer per IRQ line request (edges it "
                    + "holds before dropping the oldest, counted as lost). 0 = kernel default (16 per line).")
    int irq_kernel_buffer() default 0;

    @AttributeDefinition(name = "Kernel debounce (us)", min = "0", max = "1000000",
            description = "On a GPIO character device: the kernel's debounce period for every IRQ line, in "
                    + "microseconds (the kernel reports a level only once it was stable that long). 0 = off. "
                    + "Software debounce per request (the driver's debounce) works on top of it.")
    int irq_kernel_debounce_us() default 0;
}
