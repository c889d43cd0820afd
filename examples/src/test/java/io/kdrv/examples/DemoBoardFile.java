package io.kdrv.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device names of the demo's board file (boards/mock-board.json, embedded in mock-board.jar), so the process
 * tests follow the board file as it grows instead of repeating its device list.
 */
public final class DemoBoardFile {
    /** The board file as the module's tests see it (working directory = the examples module). */
    public static final Path PATH = Path.of(System.getProperty("kdrv.demo.board", "boards/mock-board.json"));

    private DemoBoardFile() {
    }

    /** Device names in file order (a regex is enough for the file's flat "name" keys). */
    public static List<String> devices() {
        try {
            Matcher m = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"").matcher(Files.readString(PATH));
            List<String> names = new ArrayList<>();
            while (m.find()) {
                names.add(m.group(1));
            }
            if (names.isEmpty()) {
                throw new IllegalStateException("no device names in " + PATH.toAbsolutePath());
            }
            return List.copyOf(names);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the demo board file " + PATH.toAbsolutePath(), e);
        }
    }
}
