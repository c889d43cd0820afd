package io.kdrv.drivers.ads1115.internal;

import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.NodeKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An ads1115 device node's keys, validated before any hardware is touched so a bad node fails probe with a message
 * naming the device and the key.
 *
 * @param address    node key {@code reg}: 0x48..0x4B (ADDR to GND, VDD, SDA, SCL)
 * @param channels   node key {@code channels}: the inputs converted each poll, in order
 * @param fullScale  node key {@code gain}: PGA full-scale range in volts (default 2.048)
 * @param sps        node key {@code data-rate}: samples per second (default 128)
 * @param pollPeriod node key {@code poll-ms} (default 1000)
 * @param cpu        node key {@code cpu}; -1 (absent) = unbound
 * @param readyIrq   whether node key {@code ready-gpios} is set: conversion-ready on ALERT/RDY as a threaded IRQ
 */
public record Ads1115Config(int address, List<String> channels, double fullScale, int sps, Duration pollPeriod,
        int cpu, boolean readyIrq) {

    static final String CHANNELS = "channels";
    static final String GAIN = "gain";
    static final String DATA_RATE = "data-rate";
    static final String POLL_MS = "poll-ms";
    static final String CPU = "cpu";
    static final String READY_GPIOS = "ready-gpios";

    /** The node keys the driver reads (checked by the core before probe, listed by kdrv:drivers). */
    static final Binding BINDING = Binding.of(NodeKey.REG, NodeKey.I2C_BUS,
            NodeKey.ofStringArray(CHANNELS).defaultValue(new String[] {"ain0", "ain1", "ain2", "ain3"})
                    .description("inputs: ain0..ain3 (single-ended) or ain0-ain1, ain0-ain3, ain1-ain3, ain2-ain3"),
            NodeKey.ofDouble(GAIN).defaultValue(2.048).description("full-scale range in volts: 6.144, 4.096, 2.048,"
                    + " 1.024, 0.512, 0.256"),
            NodeKey.ofInt(DATA_RATE).defaultValue(128).description("samples per second: 8, 16, 32, 64, 128, 250,"
                    + " 475, 860"),
            NodeKey.ofLong(POLL_MS).defaultValue(1000L).min(1).description("poll period"),
            NodeKey.ofInt(CPU).min(0).description("CPU the poller kthread is bound to (absent: unbound)"),
            NodeKey.ofIntArray(READY_GPIOS).min(0).description("GPIO line wired to ALERT/RDY (absent: poll the OS bit)"));

    /**
     * Reads and validates the node keys of {@code dev}.
     *
     * @throws DeviceConfigException naming the device, the key and the allowed values
     */
    public static Ads1115Config from(Device dev) {
        int address = dev.getInt(NodeKey.REG.name());
        if (address < 0x48 || address > 0x4B) {
            throw new DeviceConfigException(dev.name(), NodeKey.REG.name(), String.format(
                    "0x%02X is not an ADS1115 address: use 0x48 (ADDR to GND), 0x49 (VDD), 0x4A (SDA) or 0x4B (SCL)",
                    address));
        }
        List<String> channels = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String c : dev.getStringArray(CHANNELS)) {
            String name = c.trim().toLowerCase(Locale.ROOT);
            try {
                Ads1115Registers.muxCode(name);
            } catch (IllegalArgumentException e) {
                throw new DeviceConfigException(dev.name(), CHANNELS, e.getMessage());
            }
            if (!seen.add(name)) {
                throw new DeviceConfigException(dev.name(), CHANNELS, "channel " + name + " listed twice");
            }
            channels.add(name);
        }
        if (channels.isEmpty()) {
            throw new DeviceConfigException(dev.name(), CHANNELS, "no channel given");
        }
        double fullScale = dev.getDouble(GAIN);
        try {
            Ads1115Registers.pgaCode(fullScale);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(dev.name(), GAIN, e.getMessage());
        }
        int sps = dev.getInt(DATA_RATE);
        try {
            Ads1115Registers.drCode(sps);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(dev.name(), DATA_RATE, e.getMessage());
        }
        boolean ready = dev.has(READY_GPIOS);
        if (ready && dev.getIntArray(READY_GPIOS).length != 1) {
            throw new DeviceConfigException(dev.name(), READY_GPIOS, "give exactly one line (the ALERT/RDY pin)");
        }
        return new Ads1115Config(address, List.copyOf(channels), fullScale, sps, Duration.ofMillis(dev.getLong(POLL_MS)),
                dev.getInt(CPU, -1), ready);
    }

    /** The config word that starts a single-shot conversion of {@code channel}. */
    int startConversion(String channel) {
        return Ads1115Registers.OS
                | Ads1115Registers.muxCode(channel) << Ads1115Registers.MUX_SHIFT
                | Ads1115Registers.pgaCode(fullScale) << Ads1115Registers.PGA_SHIFT
                | Ads1115Registers.MODE_SINGLE
                | Ads1115Registers.drCode(sps) << Ads1115Registers.DR_SHIFT
                // ready pin: active low, assert after one conversion (COMP_QUE 00); else comparator off
                | (readyIrq ? 0 : Ads1115Registers.COMP_QUE_DISABLE);
    }

    /** Longest wait for a conversion before it counts as failed: twice the conversion time plus 50 ms. */
    Duration conversionTimeout() {
        return Ads1115Registers.conversionTime(sps).multipliedBy(2).plusMillis(50);
    }
}
