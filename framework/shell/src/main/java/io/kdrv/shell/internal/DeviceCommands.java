package io.kdrv.shell.internal;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.DriverInfo;
import io.kdrv.driver.SensorInfo;
import io.kdrv.driver.SensorReading;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The logic behind the {@code kdrv:*} commands, free of OSGi and Gogo so it is unit-tested with a fake
 * {@link DeviceManager}. Every method returns the text to print (no trailing newline). Bad arguments throw
 * {@link IllegalArgumentException} whose one-line message names the argument and lists the valid choices; errors
 * from the manager (already bound, incompatible driver) propagate with the manager's message. Thread-safe as far as
 * the manager is.
 */
final class DeviceCommands {
    private final DeviceManager manager;

    DeviceCommands(DeviceManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** {@code kdrv:devices}: every device node with its binding. */
    String devices() {
        List<DeviceInfo> devices = manager.devices();
        if (devices.isEmpty()) {
            return "no devices";
        }
        Table table = new Table("NAME", "STATE", "DRIVER", "COMPATIBLE", "REASON");
        StringBuilder readings = new StringBuilder();
        for (DeviceInfo d : devices) {
            table.row(d.name(), state(d.state()), d.driver(), String.join(" ", d.compatible()), d.reason());
            manager.sensor(d.name()).ifPresent(s -> readings.append('\n').append(d.name()).append(": ")
                    .append(String.join(" ", s.readings().stream().map(DeviceCommands::reading).toList())));
        }
        String t = table.render();
        return readings.isEmpty() ? t : t + (t.endsWith("\n") ? "" : "\n") + "latest readings:" + readings;
    }

    /** {@code kdrv:read <device>}: the latest reading of each sensor channel and the poller's statistics. */
    String read(String device) {
        String name = checkDevice(device);
        SensorInfo s = manager.sensor(name).orElseThrow(() -> new IllegalArgumentException("device " + name
                + " has no sensor channels (state " + state(manager.device(name).map(DeviceInfo::state)
                .orElse(DeviceState.UNBOUND)) + ")"));
        Table table = new Table("CHANNEL", "VALUE", "UNIT", "SAMPLE");
        for (SensorReading r : s.readings()) {
            table.row(r.channel(), value(r.value()), r.unit(), r.sequence() == 0 ? null : Long.toString(r.sequence()));
        }
        String t = table.render();
        String poller = s.poller() == null ? "no poller"
                : "poller " + s.poller() + ": every " + s.period().toMillis() + " ms on "
                        + (s.cpu() < 0 ? "any cpu" : "cpu " + s.cpu()) + ", " + s.overruns() + " overruns, "
                        + s.pollErrors() + " failed polls";
        return t + (t.endsWith("\n") ? "" : "\n") + s.samples() + " samples; " + poller;
    }

    private static String reading(SensorReading r) {
        return r.channel() + "=" + value(r.value()) + (r.unit().equals("1") ? "" : " " + r.unit());
    }

    private static String value(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+$", "$1")
                .replaceAll("\\.$", "");
    }

    /** {@code kdrv:drivers}: every registered driver and the devices bound to it. */
    String drivers() {
        List<DriverInfo> drivers = manager.drivers();
        if (drivers.isEmpty()) {
            return "no drivers";
        }
        Table table = new Table("ID", "COMPATIBLE", "BUNDLE", "DEVICES");
        for (DriverInfo d : drivers) {
            table.row(d.id(), String.join(" ", d.compatible()), d.bundle(),
                    d.devices().isEmpty() ? null : String.join(",", d.devices()));
        }
        StringBuilder out = new StringBuilder(table.render());
        for (DriverInfo d : drivers) {
            if (!d.keys().isEmpty()) { // the driver's binding: what its device nodes may set
                out.append(out.charAt(out.length() - 1) == '\n' ? "" : "\n").append(d.id()).append(" node keys:");
                d.keys().forEach(k -> out.append("\n  ").append(k));
            }
        }
        return out.toString();
    }

    /** {@code kdrv:deferred}: the deferred-probe list with the reasons. */
    String deferred() {
        List<DeviceInfo> deferred = manager.deferred();
        if (deferred.isEmpty()) {
            return "no deferred devices";
        }
        Table table = new Table("NAME", "COMPATIBLE", "REASON");
        for (DeviceInfo d : deferred) {
            table.row(d.name(), String.join(" ", d.compatible()), d.reason());
        }
        return table.render();
    }

    /**
     * {@code kdrv:bind <device> [driver]}: binds and reports the outcome, which may be deferred or failed.
     *
     * @param driverId a driver id from {@code kdrv:drivers}, or {@code null} for the best match
     */
    String bind(String device, String driverId) {
        String name = checkDevice(device);
        String driver = null;
        if (driverId != null) {
            driver = checkKnown("driver", driverId, manager.drivers().stream().map(DriverInfo::id).toList());
        }
        return summary(manager.bind(name, driver));
    }

    /** {@code kdrv:unbind <device>}: removes the driver and waits until its resources are released. */
    String unbind(String device) {
        return summary(manager.unbind(checkDevice(device)));
    }

    private String checkDevice(String device) {
        return checkKnown("device", device, manager.devices().stream().map(DeviceInfo::name).toList());
    }

    /** The argument itself when it is one of {@code known}; otherwise an error naming it and listing the choices. */
    static String checkKnown(String what, String arg, List<String> known) {
        if (arg == null || arg.isBlank()) {
            throw new IllegalArgumentException("missing " + what + " name; known: " + list(known));
        }
        if (!known.contains(arg)) {
            throw new IllegalArgumentException("unknown " + what + " \"" + arg + "\"; known: "
                    + list(known));
        }
        return arg;
    }

    /** One line: {@code dev0: bound to <driver>}, {@code dev0: deferred: <reason>}, {@code dev0: unbound}. */
    static String summary(DeviceInfo d) {
        StringBuilder out = new StringBuilder(d.name()).append(": ").append(state(d.state()));
        if (d.state() == DeviceState.BOUND && d.driver() != null) {
            out.append(" to ").append(d.driver());
        }
        if (d.reason() != null) {
            out.append(": ").append(Table.oneLine(d.reason()));
        }
        return out.toString();
    }

    static String state(DeviceState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private static String list(List<String> known) {
        return known.isEmpty() ? "none" : String.join(", ", known);
    }
}
