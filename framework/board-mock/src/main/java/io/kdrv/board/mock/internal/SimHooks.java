package io.kdrv.board.mock.internal;

import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.mock.RegisterChip;

/** How the simulated Pi4J I/O reports to the MockBoard that owns the context (implemented privately by it). */
public interface SimHooks {
    /** A digital input was created on {@code line}; returns the level it must start at. */
    DigitalState inputOpened(SimInput input);

    void inputClosed(SimInput input);

    void outputOpened(SimOutput output);

    void outputClosed(SimOutput output);

    /** An output changed level (Pi4J listener on the output). */
    void outputChanged(SimOutput output, DigitalState level);

    /** The chip at {@code bus}/{@code address}, or null. */
    RegisterChip chip(int bus, int address);
}
