package io.kdrv.board;

import com.pi4j.context.Context;
import java.util.Optional;

/**
 * A hardware platform the board can run on: it builds an explicit Pi4J {@link Context} (no ServiceLoader
 * discovery) holding exactly one provider for each of {@code DIGITAL_INPUT}, {@code DIGITAL_OUTPUT} and
 * {@code I2C}.
 *
 * <p>The board service has the {@code raspberrypi} platform built in. Other bundles contribute platforms as OSGi
 * services of this type with service property {@value #PLATFORM} set to {@link #name()}; the mock board bundle ({@code kdrv-board-mock}) registers {@code mock} this way. The board
 * service picks one of them according to its configuration (see the board README).
 *
 * <p>Implementations must be thread-safe. A platform may allow only one live context at a time and then throws
 * {@link BoardException} from {@link #newContext()} while the previous one is not shut down.
 */
public interface BoardPlatform {
    /** Service property naming the platform, e.g. {@code (kdrv.board.platform=mock)}. */
    String PLATFORM = "kdrv.board.platform";

    /** @return the platform name, e.g. {@code mock} or {@code raspberrypi} */
    String name();

    /**
     * The GPIO lines this platform has: {@code 0 .. lineCount()-1} (BCM numbers on a Raspberry Pi).
     *
     * @return the number of lines
     */
    int lineCount();

    /**
     * Builds a new Pi4J context for this platform. The caller owns it and shuts it down
     * ({@link Context#shutdown()}) when done.
     *
     * @return a new context with digital input, digital output and I2C providers
     * @throws BoardException naming this platform and the provider class when a provider is missing or cannot
     *                        initialise on this machine
     */
    Context newContext();

    /**
     * The platform's 1-Wire buses, if it has any (Pi4J has no 1-Wire type, so they are not in the context).
     *
     * @return the buses, empty by default
     */
    default Optional<W1Bus> w1Bus() {
        return Optional.empty();
    }
}
