package io.kdrv.board.internal;

import io.kdrv.board.BoardException;

/** Fails early, with the class name, when a platform's Pi4J provider classes are not on the class path / inlined. */
public final class ProviderCheck {
    private ProviderCheck() {
    }

    /**
     * Loads each class (without initialising it) through {@code loader}.
     *
     * @throws BoardException naming {@code platform} and the first missing class
     */
    public static void require(String platform, ClassLoader loader, String... classNames) {
        for (String className : classNames) {
            try {
                Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new BoardException(platform, "Pi4J provider class " + className + " is not available ("
                        + e + "); the board bundle must inline the platform's Pi4J plugin", e);
            }
        }
    }
}
