package io.kdrv.web.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Event Admin style topic filter for the event stream: comma-separated patterns, each an exact topic or a prefix
 * ending in {@code /*} (or {@code *} alone for everything). Immutable.
 */
record TopicFilter(List<String> patterns) {
    static final TopicFilter ALL = new TopicFilter(List.of("*"));

    /**
     * @param spec comma-separated patterns; null or blank means everything
     * @throws ApiException 400 naming a pattern with a {@code *} anywhere but at the end of a {@code /*}
     */
    static TopicFilter parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return ALL;
        }
        List<String> out = new ArrayList<>();
        for (String p : spec.split(",")) {
            String t = p.trim();
            if (t.isEmpty()) {
                continue;
            }
            int star = t.indexOf('*');
            if (star >= 0 && !(t.equals("*") || (star == t.length() - 1 && t.endsWith("/*")))) {
                throw new ApiException(400, "bad topic filter '" + t + "': '*' only as a last segment (kdrv/sensor/*)");
            }
            out.add(t);
        }
        return out.isEmpty() ? ALL : new TopicFilter(List.copyOf(out));
    }

    boolean matches(String topic) {
        for (String p : patterns) {
            if (p.equals("*") || p.equals(topic)
                    || (p.endsWith("/*") && topic.startsWith(p.substring(0, p.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
