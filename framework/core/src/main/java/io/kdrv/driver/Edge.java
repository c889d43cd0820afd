package io.kdrv.driver;

/** Which GPIO transitions raise a threaded IRQ. */
public enum Edge {
    RISING, FALLING, BOTH
}
