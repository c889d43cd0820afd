package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdrv.driver.Binding;
import io.kdrv.driver.NodeKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BindingCheckTest {
    @Test
    void onlyDriverKeysTheBindingLacksAreUndeclared() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("name", "btn0");
        props.put("compatible", new String[] {"gpio-keys"});
        props.put("driver", "x");
        props.put(BoardFile.KEY_SOURCE, "/etc/kdrv/board.json");
        props.put("felix.fileinstall.filename", "file:/deploy/kdrv.device-btn0.config");
        props.put("service.pid", "kdrv.device~btn0");
        props.put("gpios", new int[] {17});
        props.put("debounce_ms", 5); // the typo the warning exists for
        Binding binding = Binding.of(NodeKey.ofIntArray("gpios"), NodeKey.ofInt("debounce-ms"));
        assertEquals(List.of("debounce_ms"), BindingCheck.undeclared(props, binding));
        assertEquals(List.of(), BindingCheck.undeclared(props, Binding.UNDECLARED));
    }
}
