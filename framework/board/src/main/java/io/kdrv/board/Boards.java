package io.kdrv.board;

import io.kdrv.board.internal.PinBoard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Plain-Java entry points of the board layer: opening a board on a platform, and platform selection. The OSGi
 * board service uses the same code. (Platforms themselves are {@link BoardPlatform} implementations: the board
 * service's built-in {@code raspberrypi} one, or services from other bundles; this class depends on none of them.)
 *
 * <h2>Platform selection</h2>
 * A platform setting is {@value #AUTO}, {@value #MOCK} or {@value #RASPBERRY_PI}. {@value #AUTO} picks
 * {@value #RASPBERRY_PI} when {@value #DEVICE_TREE_MODEL} contains "Raspberry Pi", else {@value #MOCK}.
 */
public final class Boards {
    /** Platform setting: detect from the device tree. */
    public static final String AUTO = "auto";
    /** The simulated board of bundle {@code kdrv-board-mock}. */
    public static final String MOCK = "mock";
    /** A Raspberry Pi: GPIO through libgpiod, I2C through {@code /dev/i2c-*} (Pi4J gpiod and linuxfs plugins). */
    public static final String RASPBERRY_PI = "raspberrypi";
    /** Framework (or system) property holding the platform setting when no configuration sets one. */
    public static final String PLATFORM_PROPERTY = "kdrv.board.platform";
    /** Where the platform is detected from. */
    public static final String DEVICE_TREE_MODEL = "/proc/device-tree/model";
    /** Default capacity of each threaded IRQ's edge FIFO. */
    public static final int DEFAULT_IRQ_FIFO_CAPACITY = 1024;

    private Boards() {
    }

    /**
     * Opens a board on {@code platform} with the default IRQ FIFO capacity.
     *
     * @see #open(BoardPlatform, int)
     */
    public static KdrvBoard open(BoardPlatform platform) {
        return open(platform, DEFAULT_IRQ_FIFO_CAPACITY);
    }

    /**
     * Opens a board: builds the platform's Pi4J context and checks it has the providers the board needs.
     * The caller closes the board.
     *
     * @param platform        the platform
     * @param irqFifoCapacity edges each threaded IRQ can queue before counting overflows (at least 1)
     * @return the open board
     * @throws BoardException           naming the platform and provider when the platform cannot be used here
     * @throws IllegalArgumentException when {@code irqFifoCapacity < 1}
     */
    public static KdrvBoard open(BoardPlatform platform, int irqFifoCapacity) {
        return PinBoard.open(platform, irqFifoCapacity);
    }

    /**
     * Detects the platform from {@value #DEVICE_TREE_MODEL}.
     *
     * @return {@value #RASPBERRY_PI} or {@value #MOCK}
     */
    public static String detectPlatform() {
        return detectPlatform(Path.of(DEVICE_TREE_MODEL));
    }

    /**
     * Detects the platform from a device-tree model file.
     *
     * @param modelFile the file to read; missing or unreadable means "not a Raspberry Pi"
     * @return {@value #RASPBERRY_PI} when the file contains "Raspberry Pi", else {@value #MOCK}
     */
    public static String detectPlatform(Path modelFile) {
        return readModel(modelFile).contains("Raspberry Pi") ? RASPBERRY_PI : MOCK;
    }

    /**
     * Resolves the platform to use. The first setting that is neither null, blank nor {@value #AUTO} wins; when
     * none does, the platform is {@linkplain #detectPlatform(Path) detected}.
     *
     * @param modelFile device-tree model file for detection
     * @param settings  platform settings, highest priority first (e.g. configuration, then framework property)
     * @return {@value #MOCK} or {@value #RASPBERRY_PI}, or another platform name given by a setting
     * @throws IllegalArgumentException when a setting is not a valid platform name; the message names it
     */
    public static String resolvePlatform(Path modelFile, String... settings) {
        for (String setting : settings) {
            if (setting == null || setting.isBlank()) {
                continue;
            }
            String name = setting.trim().toLowerCase(Locale.ROOT);
            if (name.equals(AUTO)) {
                continue;
            }
            if (!name.matches("[a-z0-9][a-z0-9._-]*")) {
                throw new IllegalArgumentException("kdrv board: invalid platform '" + setting
                        + "' (expected auto, mock or raspberrypi)");
            }
            return name;
        }
        return detectPlatform(modelFile);
    }

    /**
     * The device-tree model string (trailing NUL removed), or "" when the file is missing or unreadable.
     *
     * @param modelFile the file
     * @return the model, never null
     */
    public static String readModel(Path modelFile) {
        try {
            return new String(Files.readAllBytes(modelFile), StandardCharsets.UTF_8).replace("\0", "").trim();
        } catch (IOException | SecurityException e) {
            return "";
        }
    }
}
