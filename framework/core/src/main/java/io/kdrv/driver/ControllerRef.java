package io.kdrv.driver;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to line (or channel) {@code index} of a controller that a driver registered for device
 * {@code controller}: the stored form of a node entry such as {@code "expander0:3"}.
 *
 * <p>Board files write it as an object, {@code {"controller": "expander0", "line": 3}} (or {@code "channel"} for
 * PWM-like controllers); Configuration Admin cannot store maps inside arrays, so the loader turns every such array
 * entry into the String {@code "<controller>:<n>"} ({@link #toString()}). Plain integers (or integer Strings) in the
 * same array stay SoC lines. The form is generic: GPIO lines use it in {@code gpios} keys, other device classes
 * (PWM channels in {@code pwms}) may use it too.
 *
 * <p>Immutable and thread-safe.
 *
 * @param controller the controller's device node name (a valid node name: {@code [a-z0-9][a-z0-9_-]*})
 * @param index      the line or channel on that controller, {@code >= 0}
 */
public record ControllerRef(String controller, int index) {
    private static final Pattern FORM = Pattern.compile("([a-z0-9][a-z0-9_-]*):(\\d{1,9})");

    /** @throws IllegalArgumentException a blank or malformed controller name, or a negative index */
    public ControllerRef {
        Objects.requireNonNull(controller, "controller");
        if (!controller.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new IllegalArgumentException("controller reference: '" + controller
                    + "' is not a device node name ([a-z0-9][a-z0-9_-]*)");
        }
        if (index < 0) {
            throw new IllegalArgumentException("controller reference " + controller + ": index must be >= 0, got "
                    + index);
        }
    }

    /**
     * Parses the stored form {@code "<controller>:<n>"} (surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the entry when it is not of that form
     */
    public static ControllerRef parse(String entry) {
        Objects.requireNonNull(entry, "entry");
        Matcher m = FORM.matcher(entry.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + entry + "' is not a controller reference of the form "
                    + "<controller>:<n> (e.g. expander0:3)");
        }
        return new ControllerRef(m.group(1), Integer.parseInt(m.group(2)));
    }

    /**
     * The reference in one node array entry, if it is one: a String containing {@code ':'} is parsed with
     * {@link #parse}; anything else (a number, an integer String such as {@code "17"}) is not a reference.
     *
     * @return the reference, empty for a non-reference entry
     * @throws IllegalArgumentException a String with {@code ':'} that is not of the form {@code <controller>:<n>}
     */
    public static Optional<ControllerRef> of(Object entry) {
        if (entry instanceof String s && s.indexOf(':') >= 0) {
            return Optional.of(parse(s));
        }
        return Optional.empty();
    }

    /** The stored form, {@code "<controller>:<index>"}. */
    @Override
    public String toString() {
        return controller + ":" + index;
    }
}
