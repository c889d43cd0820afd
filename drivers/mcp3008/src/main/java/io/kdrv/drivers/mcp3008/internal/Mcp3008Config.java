package io.kdrv.drivers.mcp3008.internal;

import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.NodeKey;
import io.kdrv.driver.SpiKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An mcp3008 device node's keys, validated before the SPI device is opened, so a bad node fails probe with a
 * {@link DeviceConfigException} naming the device and the key.
 *
 * @param inputs     what to convert each poll, in order: single-ended channels first ({@code channels}), then
 *                   differential pairs ({@code differential})
 * @param vref       node key {@code vref}: the voltage on the VREF pin, (0, 5.5] V
 * @param pollPeriod node key {@code poll-ms} (default 1000)
 * @param cpu        node key {@code cpu}; -1 (absent): the poller is not bound
 */
record Mcp3008Config(List<Input> inputs, double vref, Duration pollPeriod, int cpu) {
    static final String CHANNELS = "channels";
    static final String DIFFERENTIAL = "differential";
    static final String VREF = "vref";
    static final String POLL_MS = "poll-ms";
    static final String CPU = "cpu";
    /** Datasheet maximum clock at the lowest supply (2.7 V); at 5 V the chip takes 3.6 MHz. */
    static final int MAX_CLOCK_2V7 = 1_350_000;
    /** VDD max (datasheet absolute range 2.7..5.5 V); VREF cannot exceed VDD. */
    static final double VREF_MAX = 5.5;

    static final Binding BINDING = Binding.of(SpiKeys.BUS, SpiKeys.CHIP_SELECT, SpiKeys.MODE,
            SpiKeys.maxFrequency(MAX_CLOCK_2V7),
            NodeKey.ofInt("reg").min(0).description("chip select (device-tree spelling of spi-cs)"),
            NodeKey.ofDouble(VREF).defaultValue(3.3).description("VREF pin voltage in V, (0, 5.5]"),
            NodeKey.ofIntArray(CHANNELS).defaultValue(new int[] {0, 1, 2, 3, 4, 5, 6, 7}).min(0)
                    .description("single-ended channels 0..7 to read (published as ch<N>)"),
            NodeKey.ofStringArray(DIFFERENTIAL).description("differential pairs IN+-IN- (0-1, 1-0, 2-3, ... 7-6), "
                    + "published as ch<P>-ch<N>"),
            NodeKey.ofLong(POLL_MS).defaultValue(1000L).min(1).description("poll period"),
            NodeKey.ofInt(CPU).min(0).description("CPU the poller kthread is bound to (absent: unbound)"));

    /**
     * One conversion: {@code config} is what the chip gets after the start bit (SGL/DIFF, D2, D1, D0), {@code name}
     * the sensor channel.
     */
    record Input(String name, int config) {
        static Input single(int ch) {
            return new Input("ch" + ch, 0b1000 | ch);
        }

        /** Table 5-2: D2..D0 is the IN+ channel; IN- is its pair partner. */
        static Input differential(int plus) {
            return new Input("ch" + plus + "-ch" + (plus ^ 1), plus);
        }
    }

    static Mcp3008Config from(Device dev) {
        int mode = dev.getInt(SpiKeys.MODE.name());
        if (mode != 0 && mode != 3) {
            throw new DeviceConfigException(dev.name(), SpiKeys.MODE.name(),
                    "the MCP3008 supports SPI mode 0 or 3 (data in on the rising edge), got " + mode);
        }
        double vref = dev.getDouble(VREF);
        if (!(vref > 0) || vref > VREF_MAX) {
            throw new DeviceConfigException(dev.name(), VREF, "must be > 0 and <= " + VREF_MAX
                    + " V (VREF cannot exceed VDD), got " + vref);
        }
        List<Input> inputs = new ArrayList<>();
        Set<Integer> seen = new LinkedHashSet<>();
        for (int ch : dev.getIntArray(CHANNELS)) {
            if (ch < 0 || ch > 7) {
                throw new DeviceConfigException(dev.name(), CHANNELS, "channel " + ch
                        + " does not exist (the MCP3008 has CH0..CH7)");
            }
            if (!seen.add(ch)) {
                throw new DeviceConfigException(dev.name(), CHANNELS, "channel " + ch + " is listed twice");
            }
            inputs.add(Input.single(ch));
        }
        Set<Integer> pairs = new LinkedHashSet<>();
        for (String pair : dev.getStringArray(DIFFERENTIAL, new String[0])) {
            int plus = pair(dev, pair);
            if (!pairs.add(plus)) {
                throw new DeviceConfigException(dev.name(), DIFFERENTIAL, "pair " + pair + " is listed twice");
            }
            inputs.add(Input.differential(plus));
        }
        if (inputs.isEmpty()) {
            throw new DeviceConfigException(dev.name(), CHANNELS, "nothing to read: no channels and no differential "
                    + "pairs");
        }
        return new Mcp3008Config(List.copyOf(inputs), vref, Duration.ofMillis(dev.getLong(POLL_MS)),
                dev.getInt(CPU, -1));
    }

    /** {@code "2-3"} &rarr; 2: IN+ and IN- must be the two channels of one pair (CH0/1, CH2/3, CH4/5, CH6/7). */
    private static int pair(Device dev, String pair) {
        String[] ends = pair.strip().split("\\s*-\\s*");
        int plus;
        int minus;
        try {
            if (ends.length != 2) {
                throw new NumberFormatException();
            }
            plus = Integer.parseInt(ends[0]);
            minus = Integer.parseInt(ends[1]);
        } catch (NumberFormatException e) {
            throw new DeviceConfigException(dev.name(), DIFFERENTIAL, "'" + pair + "' is not IN+-IN- such as 0-1");
        }
        if (plus < 0 || plus > 7 || minus != (plus ^ 1)) {
            throw new DeviceConfigException(dev.name(), DIFFERENTIAL, "'" + pair + "' is not a pair the MCP3008 can "
                    + "convert: 0-1, 1-0, 2-3, 3-2, 4-5, 5-4, 6-7, 7-6");
        }
        return plus;
    }

    /** Volts per code: {@code VREF / 1024} (equation 4-1). */
    double scale() {
        return vref / 1024;
    }
}
