package io.kdrv.driver.internal;

import io.kdrv.driver.ControllerRef;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Line-list values that may hold controller references ({@code "expander0:3"}, {@link ControllerRef}) next to SoC
 * line numbers. Stateless.
 */
final class LineRefs {
    private LineRefs() {
    }

    /**
     * One entry of a line list: an {@link Integer} (SoC line) or a {@link ControllerRef}.
     *
     * @throws Props.BadValue naming the entry: not an integer and not a reference
     */
    static Object entry(Object item, int i) throws Props.BadValue {
        try {
            var ref = ControllerRef.of(item);
            if (ref.isPresent()) {
                return ref.get();
            }
            return Props.toInt(item);
        } catch (IllegalArgumentException | Props.BadValue e) {
            throw new Props.BadValue("entry " + i + ": " + e.getMessage());
        }
    }

    /** Whether {@code v} (an array, collection or comma-separated String) has a reference entry. */
    static boolean hasRefs(Object v) {
        if (v == null || v instanceof Number) {
            return false;
        }
        try {
            for (Object o : Props.elements(v)) {
                if (o instanceof String s && s.indexOf(':') >= 0) {
                    return true;
                }
            }
        } catch (Props.BadValue e) {
            return false; // the getter reports it
        }
        return false;
    }

    /**
     * {@code v} as an int[] with every reference entry replaced by {@code number(ref)}; {@code v} itself when it has
     * no reference (so the ordinary conversion and its messages apply).
     */
    static Object numbered(Object v, ToIntFunction<ControllerRef> number) throws Props.BadValue {
        if (!hasRefs(v)) {
            return v;
        }
        List<Object> items = Props.elements(v);
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            Object e = entry(items.get(i), i);
            out[i] = e instanceof ControllerRef r ? number.applyAsInt(r) : (Integer) e;
        }
        return out;
    }
}
