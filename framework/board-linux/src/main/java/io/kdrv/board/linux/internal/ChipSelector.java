package io.kdrv.board.linux.internal;

import io.kdrv.board.BoardException;
import io.kdrv.board.linux.ChipInfo;
import io.kdrv.board.linux.GpioChip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Chooses the GPIO chip of a platform: by path ({@code /dev/gpiochip2}), by name ({@code gpiochip2}, looked up
 * in the dev directory) or by label (the first chip whose label is one of a list, in the list's order of
 * preference). Labels are read with {@code GPIO_GET_CHIPINFO_IOCTL} (a function, so tests give fake ones).
 */
public final class ChipSelector {
    private final String platform;
    private final Path devDir;
    private final Function<Path, Optional<ChipInfo>> infoReader;

    /**
     * @param infoReader reads a chip's info, empty when it cannot be opened
     */
    public ChipSelector(String platform, Path devDir, Function<Path, Optional<ChipInfo>> infoReader) {
        this.platform = platform;
        this.devDir = devDir;
        this.infoReader = infoReader;
    }

    /** The real reader: opens the chip and closes it again. */
    public static Function<Path, Optional<ChipInfo>> kernelInfo() {
        return path -> {
            try (GpioChip chip = GpioChip.open(path)) {
                return Optional.of(chip.info());
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        };
    }

    /**
     * @param spec a path (starts with '/'), a chip name ({@code gpiochipN}) or a label
     * @return the chip's device path
     * @throws BoardException naming the spec and the chips there are, when nothing matches
     */
    public Path select(String spec) {
        String s = spec == null ? "" : spec.trim();
        if (s.isEmpty()) {
            throw new BoardException(platform, "no GPIO chip configured (chip: a path like /dev/gpiochip0, a name "
                    + "like gpiochip0, or a label); chips here: " + describeAll());
        }
        if (s.startsWith("/")) {
            Path p = Path.of(s);
            if (!Files.exists(p)) {
                throw new BoardException(platform, "GPIO chip " + s + " does not exist; chips here: " + describeAll());
            }
            return p;
        }
        if (s.matches("gpiochip\\d+")) {
            Path p = devDir.resolve(s);
            if (!Files.exists(p)) {
                throw new BoardException(platform, "GPIO chip " + p + " does not exist; chips here: " + describeAll());
            }
            return p;
        }
        return byLabel(List.of(s), "");
    }

    /**
     * The first chip (in {@code labels} order) whose label is one of {@code labels}.
     *
     * @param context appended to the error message (e.g. the board model)
     * @throws BoardException naming the labels and the chips there are
     */
    public Path byLabel(List<String> labels, String context) {
        List<ChipInfo> chips = scan();
        for (String label : labels) {
            for (ChipInfo c : chips) {
                if (c.label().equals(label)) {
                    return c.path();
                }
            }
        }
        throw new BoardException(platform, "no GPIO chip labelled " + String.join(" or ", labels) + context
                + "; chips here: " + describe(chips));
    }

    private List<ChipInfo> scan() {
        List<ChipInfo> chips = new ArrayList<>();
        for (Path p : GpioChip.list(devDir)) {
            infoReader.apply(p).ifPresent(chips::add);
        }
        return chips;
    }

    private String describeAll() {
        return describe(scan());
    }

    private String describe(List<ChipInfo> chips) {
        if (chips.isEmpty()) {
            return "none in " + devDir;
        }
        StringBuilder b = new StringBuilder();
        for (ChipInfo c : chips) {
            b.append(b.isEmpty() ? "" : ", ").append(c.path()).append(" [").append(c.label()).append("] (")
                    .append(c.lines()).append(" lines)");
        }
        return b.toString();
    }
}
