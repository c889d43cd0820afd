package io.kdrv.driver;

/**
 * A device node key is missing or has the wrong type or value. The message names the device and the key.
 * Thrown from {@link Device}'s property getters, usually inside probe, so the device becomes failed with this
 * message.
 */
public class DeviceConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String device;
    private final String key;

    public DeviceConfigException(String device, String key, String problem) {
        super("device " + device + ": key '" + key + "': " + problem);
        this.device = device;
        this.key = key;
    }

    public String device() {
        return device;
    }

    public String key() {
        return key;
    }
}
