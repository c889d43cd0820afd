package io.kdrv.board.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the board service: Configuration Admin PID {@code kdrv.board}. */
@ObjectClassDefinition(id = "kdrv.board", name = "kdrv board",
        description = "Which hardware platform the kdrv board runs on, and threaded IRQ sizing.")
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

    @AttributeDefinition(name = "IRQ FIFO capacity", min = "1",
            description = "Edges each threaded IRQ queues between its top and bottom half; further edges are "
                    + "counted as overflows.")
    int irq_fifo_capacity() default 1024;
}
