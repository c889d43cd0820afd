package io.kdrv.drivers.ssd1306.internal;

import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.NodeKey;
import io.kdrv.drivers.ssd1306.Ssd1306Display;
import java.time.Duration;
import java.util.List;

/**
 * An ssd1306 device node's keys, validated before any hardware is touched.
 *
 * @param address     node key {@code reg}: 0x3C (SA0 low) or 0x3D
 * @param contrast    node key {@code contrast}: 0..255 (default 0x7F, the reset value)
 * @param rotate180   node key {@code rotate-180} (default false)
 * @param externalVcc node key {@code external-vcc} (default false: the internal charge pump)
 * @param refresh     node key {@code refresh-ms}: period of the refresh kthread; zero (default) = no kthread
 * @param text        node key {@code text}: lines drawn at probe, one per page (at most 8)
 */
public record Ssd1306Config(int address, int contrast, boolean rotate180, boolean externalVcc, Duration refresh,
        List<String> text) {

    static final String CONTRAST = "contrast";
    static final String ROTATE = "rotate-180";
    static final String EXTERNAL_VCC = "external-vcc";
    static final String REFRESH_MS = "refresh-ms";
    static final String TEXT = "text";

    /** The node keys the driver reads (checked by the core before probe, listed by kdrv:drivers). */
    static final Binding BINDING = Binding.of(NodeKey.REG, NodeKey.I2C_BUS,
            NodeKey.ofInt(CONTRAST).defaultValue(0x7F).min(0).description("contrast 0..255"),
            NodeKey.ofBoolean(ROTATE).defaultValue(false).description("turn the image by 180 degrees"),
            NodeKey.ofBoolean(EXTERNAL_VCC).defaultValue(false).description("panel powered externally (no charge pump)"),
            NodeKey.ofLong(REFRESH_MS).defaultValue(0L).min(0).description("auto-flush period; 0 = flush() only"),
            NodeKey.ofStringArray(TEXT).defaultValue(new String[0]).description("text lines shown at probe (<= 8)"));

    /**
     * Reads and validates the node keys of {@code dev}.
     *
     * @throws DeviceConfigException naming the device, the key and the allowed values
     */
    public static Ssd1306Config from(Device dev) {
        int address = dev.getInt(NodeKey.REG.name());
        if (address != 0x3C && address != 0x3D) {
            throw new DeviceConfigException(dev.name(), NodeKey.REG.name(),
                    String.format("0x%02X is not an SSD1306 address: use 0x3C (SA0 low) or 0x3D (SA0 high)", address));
        }
        int contrast = dev.getInt(CONTRAST);
        if (contrast > 255) {
            throw new DeviceConfigException(dev.name(), CONTRAST, contrast + " is outside 0..255");
        }
        List<String> text = List.of(dev.getStringArray(TEXT));
        if (text.size() > Ssd1306Display.PAGES) {
            throw new DeviceConfigException(dev.name(), TEXT, text.size() + " lines: the display has "
                    + Ssd1306Display.PAGES);
        }
        return new Ssd1306Config(address, contrast, dev.getBoolean(ROTATE), dev.getBoolean(EXTERNAL_VCC),
                Duration.ofMillis(dev.getLong(REFRESH_MS)), text);
    }
}
