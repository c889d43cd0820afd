package io.kdrv.drivers.mcp23017;

/**
 * The MCP23017 register map with {@code IOCON.BANK = 0} (the power-on addressing: A/B registers of a pair are
 * adjacent, port A even), after the Microchip MCP23017/MCP23S17 datasheet (DS20001952), table 3-5. Each pair holds
 * port A (pins GPA0..7 = lines 0..7) then port B (GPB0..7 = lines 8..15).
 */
public final class Mcp23017Registers {
    private Mcp23017Registers() {
    }

    /** I/O direction, 1 = input (power-on 0xFF). */
    public static final int IODIRA = 0x00;
    public static final int IODIRB = 0x01;
    /** Input polarity, 1 = GPIO reads the inverted pin. */
    public static final int IPOLA = 0x02;
    public static final int IPOLB = 0x03;
    /** Interrupt-on-change enable. */
    public static final int GPINTENA = 0x04;
    public static final int GPINTENB = 0x05;
    /** Default compare value for interrupt-on-change when INTCON is 1. */
    public static final int DEFVALA = 0x06;
    public static final int DEFVALB = 0x07;
    /** Interrupt control: 1 = compare against DEFVAL, 0 = against the previous pin value. */
    public static final int INTCONA = 0x08;
    public static final int INTCONB = 0x09;
    /** Configuration, one register at two addresses. */
    public static final int IOCON = 0x0A;
    public static final int IOCON_ALT = 0x0B;
    /** 100 kΩ pull-up on inputs. */
    public static final int GPPUA = 0x0C;
    public static final int GPPUB = 0x0D;
    /** Interrupt flags (read-only): the pins that caused the pending interrupt. */
    public static final int INTFA = 0x0E;
    public static final int INTFB = 0x0F;
    /** Interrupt capture (read-only): the port when the interrupt happened; reading it clears the interrupt. */
    public static final int INTCAPA = 0x10;
    public static final int INTCAPB = 0x11;
    /** Port: reads the pins, writes the latch; reading it clears the interrupt. */
    public static final int GPIOA = 0x12;
    public static final int GPIOB = 0x13;
    /** Output latch. */
    public static final int OLATA = 0x14;
    public static final int OLATB = 0x15;
    /** Registers with BANK = 0: 0x00..0x15. */
    public static final int REGISTER_COUNT = 0x16;

    /** IOCON bits. */
    public static final int IOCON_BANK = 0x80;
    public static final int IOCON_MIRROR = 0x40;
    public static final int IOCON_SEQOP = 0x20;
    public static final int IOCON_DISSLW = 0x10;
    public static final int IOCON_HAEN = 0x08;
    public static final int IOCON_ODR = 0x04;
    public static final int IOCON_INTPOL = 0x02;

    /** Lines (pins) of the chip. */
    public static final int LINES = 16;
}
