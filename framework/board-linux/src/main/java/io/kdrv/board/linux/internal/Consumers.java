package io.kdrv.board.linux.internal;

import com.pi4j.io.IOConfig;

/** The consumer label the kernel shows for a line kdrv requested: the Pi4J I/O's name, else its id. */
final class Consumers {
    private Consumers() {
    }

    static String of(IOConfig<?> config) {
        String name = config.name();
        if (name == null || name.isBlank()) {
            name = config.id();
        }
        return name == null || name.isBlank() ? "kdrv" : name;
    }
}
