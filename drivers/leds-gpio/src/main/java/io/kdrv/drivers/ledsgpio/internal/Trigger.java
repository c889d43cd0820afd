package io.kdrv.drivers.ledsgpio.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** LED triggers, named as in Linux ({@code /sys/class/leds/<led>/trigger}). */
public enum Trigger {
    /** Off, no thread. */
    NONE("none"),
    /** On, no thread. */
    DEFAULT_ON("default-on"),
    /** On {@code delay-on-ms}, off {@code delay-off-ms}, repeated by a periodic kthread. */
    TIMER("timer"),
    /** Linux's double blink every {@code period-ms}, by a periodic kthread. */
    HEARTBEAT("heartbeat");

    private final String nodeName;

    Trigger(String nodeName) {
        this.nodeName = nodeName;
    }

    /** The name used in device nodes. */
    public String nodeName() {
        return nodeName;
    }

    /** The trigger called {@code name} (case-insensitive, surrounding blanks ignored). */
    public static Optional<Trigger> byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.nodeName.equals(n)).findFirst();
    }

    /** "none, default-on, timer, heartbeat", for error messages. */
    public static String allowed() {
        return Arrays.stream(values()).map(Trigger::nodeName).collect(Collectors.joining(", "));
    }
}
