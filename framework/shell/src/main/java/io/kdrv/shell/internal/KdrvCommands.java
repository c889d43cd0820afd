package io.kdrv.shell.internal;

import io.kdrv.driver.DeviceManager;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo commands {@code kdrv:devices}, {@code kdrv:drivers}, {@code kdrv:deferred}, {@code kdrv:bind},
 * {@code kdrv:unbind} and {@code kdrv:read}. A thin adapter: the work is in {@link DeviceCommands}. Gogo prints the returned text; a bad
 * argument throws {@link IllegalArgumentException}, which Gogo shows as one line (never a stack trace).
 */
@Component(service = KdrvCommands.class, property = {
        "osgi.command.scope=kdrv",
        "osgi.command.function=devices",
        "osgi.command.function=drivers",
        "osgi.command.function=deferred",
        "osgi.command.function=bind",
        "osgi.command.function=unbind",
        "osgi.command.function=read"})
public final class KdrvCommands {
    private final DeviceCommands commands;

    @Activate
    public KdrvCommands(@Reference DeviceManager manager) {
        this.commands = new DeviceCommands(manager);
    }

    @Descriptor("list device nodes: name, state, driver, compatible, deferral or failure reason")
    public String devices() {
        return commands.devices();
    }

    @Descriptor("list registered drivers with their compatible strings and bound devices")
    public String drivers() {
        return commands.drivers();
    }

    @Descriptor("list devices waiting for a deferred probe, with what they wait for")
    public String deferred() {
        return commands.deferred();
    }

    @Descriptor("bind a device to its best-matching driver and wait for the probe result")
    public String bind(@Descriptor("device name (see kdrv:devices)") String device) {
        return commands.bind(device, null);
    }

    @Descriptor("bind a device to the given driver and wait for the probe result")
    public String bind(@Descriptor("device name (see kdrv:devices)") String device,
            @Descriptor("driver id (see kdrv:drivers)") String driver) {
        return commands.bind(device, driver);
    }

    @Descriptor("remove a device's driver and wait until its threads and resources are released")
    public String unbind(@Descriptor("device name (see kdrv:devices)") String device) {
        return commands.unbind(device);
    }

    @Descriptor("show the latest reading of each sensor channel of a device, with units, and its poller")
    public String read(@Descriptor("device name (see kdrv:devices)") String device) {
        return commands.read(device);
    }
}
