package io.kdrv.board;

/**
 * A board platform cannot be used: its Pi4J providers are missing or cannot initialise, or it is not the machine
 * we run on. The message names the platform and, where one is at fault, the provider class.
 *
 * <p>Pin conflicts and bad arguments are not {@code BoardException}s: they are {@link IllegalStateException} and
 * {@link IllegalArgumentException} naming the line and the owner, as documented on
 * {@link io.kdrv.driver.spi.Board}.
 */
public class BoardException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String platform;

    /**
     * @param platform the platform name ({@code mock}, {@code raspberrypi}, ...)
     * @param message  what is wrong; prefixed with {@code "platform <name>: "}
     */
    public BoardException(String platform, String message) {
        this(platform, message, null);
    }

    /**
     * @param platform the platform name
     * @param message  what is wrong; prefixed with {@code "platform <name>: "}
     * @param cause    the underlying failure, may be null
     */
    public BoardException(String platform, String message, Throwable cause) {
        super("platform " + platform + ": " + message, cause);
        this.platform = platform;
    }

    /** @return the platform this error is about */
    public String platform() {
        return platform;
    }
}
