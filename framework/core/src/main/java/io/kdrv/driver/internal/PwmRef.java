package io.kdrv.driver.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One entry of a {@code pwms} node key: a SoC channel ({@code controller == null}: board chip and channel) or a
 * channel of a driver's PWM controller ({@code "<controller-device>:<channel>"}), the same text form as controller
 * GPIO lines ({@code "expander0:3"}).
 */
record PwmRef(String controller, int chip, int channel) {
    static final String FORMS = "'<channel>', '<chip>:<channel>' or '<controller-device>:<channel>'";

    /** Parses every entry of a raw node value: an array, a collection, a comma-separated String or a scalar. */
    static List<PwmRef> parseAll(Object raw) {
        List<Object> items = new ArrayList<>();
        if (raw == null) {
            throw new IllegalArgumentException("missing");
        } else if (raw.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(raw); i++) {
                items.add(Array.get(raw, i));
            }
        } else if (raw instanceof Collection<?> c) {
            items.addAll(c);
        } else if (raw instanceof String s && s.contains(",")) {
            items.addAll(List.of((Object[]) s.split(",")));
        } else {
            items.add(raw);
        }
        List<PwmRef> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            try {
                out.add(parse(items.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("entry " + i + ": " + e.getMessage());
            }
        }
        return out;
    }

    static PwmRef parse(Object item) {
        if (item instanceof Integer || item instanceof Long || item instanceof Short) {
            return new PwmRef(null, 0, channel(((Number) item).longValue(), item));
        }
        if (!(item instanceof String s)) {
            throw new IllegalArgumentException("expected " + FORMS + ", got " + Props.printable(String.valueOf(item)));
        }
        String t = s.strip();
        int colon = t.lastIndexOf(':');
        String left = colon < 0 ? null : t.substring(0, colon).strip();
        String right = colon < 0 ? t : t.substring(colon + 1).strip();
        long ch;
        try {
            ch = Long.parseLong(right);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected " + FORMS + ", got " + Props.printable(t));
        }
        int channel = channel(ch, t);
        if (left == null) {
            return new PwmRef(null, 0, channel);
        }
        if (left.isEmpty()) {
            throw new IllegalArgumentException("expected " + FORMS + ", got " + Props.printable(t));
        }
        if (left.chars().allMatch(Character::isDigit)) {
            return new PwmRef(null, channel(Long.parseLong(left), t), channel);
        }
        return new PwmRef(left, -1, channel);
    }

    private static int channel(long v, Object what) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException(Props.printable(String.valueOf(what))
                    + ": chip and channel must be 0..65535");
        }
        return (int) v;
    }

    @Override
    public String toString() {
        return (controller != null ? controller : String.valueOf(chip)) + ":" + channel;
    }
}
