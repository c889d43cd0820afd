package io.kdrv.board.internal;

import io.kdrv.board.I2cInfo;
import io.kdrv.board.SpiInfo;
import io.kdrv.board.KdrvBoard;
import io.kdrv.board.LineInfo;
import io.kdrv.board.LineSimulator;
import java.time.Duration;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Gogo commands {@code gpio:list}, {@code gpio:set}, {@code gpio:pulse}. Bad arguments produce a message naming
 * the argument; they never throw into the shell.
 */
@Component(service = GpioCommands.class, property = {
    "osgi.command.scope=gpio",
    "osgi.command.function=list",
    "osgi.command.function=set",
    "osgi.command.function=pulse"
})
public final class GpioCommands {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile KdrvBoard board;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile LineSimulator simulator;

    public GpioCommands() {
    }

    /** For plain-Java tests. */
    GpioCommands(KdrvBoard board, LineSimulator simulator) {
        this.board = board;
        this.simulator = simulator;
    }

    /**
     * {@code gpio:list}: claimed lines with owner, level and IRQ statistics (edges, handled, kdrv FIFO overflows,
     * debounced, edges the kernel lost before kdrv read them, and handler calls that threw); claimed I2C and SPI devices,
     * SoC PWM channels, serial ports and 1-Wire slaves.
     */
    public String list() {
        KdrvBoard b = board;
        if (b == null) {
            return "no board is running (see the log for the platform error; configuration PID kdrv.board)\n";
        }
        StringBuilder out = new StringBuilder();
        out.append("platform ").append(b.platform()).append('\n');
        out.append(String.format("%-5s %-4s %-16s %-5s %-22s %8s %8s %9s %9s %6s %6s%n", "LINE", "DIR", "OWNER",
                "LEVEL", "IRQ", "EDGES", "HANDLED", "OVERFLOWS", "DEBOUNCED", "LOST", "FAILED"));
        for (LineInfo l : b.lines()) {
            boolean irq = l.irqThread() != null;
            // a driver's controller line shows as "expander0:3" (its label), a SoC line as its number
            out.append(String.format("%-5s %-4s %-16s %-5s %-22s %8s %8s %9s %9s %6s %6s%n", l.label(), l.direction(),
                    l.owner(), l.level() < 0 ? "?" : Integer.toString(l.level()), irq ? l.irqThread() : "-",
                    count(irq, l.edges()), count(irq, l.handled()), count(irq, l.overflows()),
                    count(irq, l.debounced()), count(irq, l.lost()), count(irq, l.failures())));
        }
        for (I2cInfo d : b.i2cDevices()) {
            out.append(String.format("i2c-%d 0x%02x %s%n", d.bus(), d.address(), d.owner()));
        }
        for (SpiInfo d : b.spiDevices()) {
            out.append(String.format("spi%d.%d mode %d %d Hz %s%n", d.bus(), d.chipSelect(), d.mode(), d.maxSpeedHz(),
                    d.owner()));
        }
        for (io.kdrv.board.PwmInfo p : b.pwmChannels()) {
            out.append(String.format("pwm%d:%d %s %d Hz %d %% %s%n", p.chip(), p.channel(), p.enabled() ? "on" : "off",
                    p.frequency(), p.dutyCycle(), p.owner()));
        }
        for (io.kdrv.board.PortInfo p : b.ports()) {
            out.append(p.kind()).append(' ').append(p.port()).append(' ').append(p.owner()).append('\n');
        }
        return out.toString();
    }

    private static String count(boolean irq, long n) {
        return irq ? Long.toString(n) : "-";
    }

    /** {@code gpio:set <line> <0|1>}: drives a mock input line. */
    public String set(String line, String level) {
        LineSimulator sim = simulatorOfRunningBoard();
        if (sim == null) {
            return noSimulator("set");
        }
        int l;
        boolean high;
        try {
            l = parseLine(line);
            high = parseLevel(level);
            sim.setInput(l, high);
        } catch (IllegalArgumentException e) {
            return "gpio:set: " + e.getMessage() + "\n";
        }
        return "GPIO " + l + " = " + (high ? 1 : 0) + "\n" + unclaimedNote(l);
    }

    /** {@code gpio:pulse <line>}: two edges, back to back. */
    public String pulse(String line) {
        return pulse(line, "0");
    }

    /** {@code gpio:pulse <line> <width-ms>}: drives the line to the opposite level for width-ms, then back. */
    public String pulse(String line, String widthMs) {
        LineSimulator sim = simulatorOfRunningBoard();
        if (sim == null) {
            return noSimulator("pulse");
        }
        int l;
        long ms;
        try {
            l = parseLine(line);
            ms = parseWidth(widthMs);
            sim.pulse(l, Duration.ofMillis(ms));
        } catch (IllegalArgumentException e) {
            return "gpio:pulse: " + e.getMessage() + "\n";
        }
        return "GPIO " + l + " pulsed (" + ms + " ms)\n" + unclaimedNote(l);
    }

    /** Driving a line no device holds reaches no driver: say so, or the user waits for an event that never comes. */
    private String unclaimedNote(int line) {
        KdrvBoard b = board;
        if (b == null || b.lines().stream().anyMatch(i -> i.line() == line)) {
            return "";
        }
        return "note: no device has claimed GPIO " + line + ", so no driver saw it (gpio:list shows the claimed lines)\n";
    }

    /**
     * The simulator, unless the running board is on another platform: with both kdrv-board-mock and a Pi platform
     * installed, driving the (idle) mock board would silently do nothing visible.
     */
    private LineSimulator simulatorOfRunningBoard() {
        LineSimulator sim = simulator;
        KdrvBoard b = board;
        if (sim instanceof io.kdrv.board.BoardPlatform p && b != null && b.boardPlatform() != p) {
            return null;
        }
        return sim;
    }

    private String noSimulator(String cmd) {
        KdrvBoard b = board;
        return "gpio:" + cmd + " needs the mock board (platform mock, bundle kdrv-board-mock); "
                + (b == null ? "no board is running" : "this board is " + b.platform()) + "\n";
    }

    private static int parseLine(String s) {
        try {
            int l = Integer.parseInt(s.trim());
            if (l < 0) {
                throw new NumberFormatException();
            }
            return l;
        } catch (NumberFormatException | NullPointerException e) {
            if (s != null && s.indexOf(':') > 0) { // "expander0:3", as gpio:list names a driver's controller line
                throw new IllegalArgumentException("line '" + s + "' belongs to a driver's GPIO controller; the "
                        + "simulator drives SoC lines only (drive the chip's model, or the SoC line it is wired to)");
            }
            throw new IllegalArgumentException("line '" + s + "' is not a GPIO number");
        }
    }

    private static boolean parseLevel(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "1", "high", "on" -> true;
            case "0", "low", "off" -> false;
            default -> throw new IllegalArgumentException("level '" + s + "' must be 0 or 1");
        };
    }

    private static long parseWidth(String s) {
        try {
            long ms = Long.parseLong(s.trim());
            if (ms < 0 || ms > 60_000) {
                throw new NumberFormatException();
            }
            return ms;
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("width '" + s + "' must be 0..60000 ms");
        }
    }
}
