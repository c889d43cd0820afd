package io.kdrv.hwtest.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.Boards;
import io.kdrv.board.KdrvBoard;
import io.kdrv.board.linux.GpioChip;
import io.kdrv.board.linux.GpioLineInfo;
import io.kdrv.board.linux.LineConfig;
import io.kdrv.driver.Binding;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.driver.NodeKey;
import io.kdrv.driver.host.DriverHost;
import io.kdrv.driver.host.HostConfig;
import io.kdrv.hwtest.Rig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A node's gpio-flags reach the kernel's line request: bias and active-low read back from line info. Lines 20, 21. */
class NodeLineFlagsTest {
    @Test
    void gpioFlagsOfANodeAreTheRequestsBiasAndActiveLow() throws Exception {
        Rig.SimChip a = Rig.chipA();
        AtomicReference<DigitalInput> input = new AtomicReference<>();
        Driver driver = new Driver() {
            @Override
            public Binding binding() {
                return Binding.of(NodeKey.ofIntArray("gpios").required().min(0), NodeKey.ofLineFlags("gpios"));
            }

            @Override
            public void probe(io.kdrv.driver.Device dev) throws Exception {
                input.set(dev.gpioInput("gpios"));
            }
        };
        try (KdrvBoard board = Boards.open(LinuxRig.chipAPlatform());
                DriverHost host = DriverHost.start(HostConfig.DEFAULTS)) {
            host.setBoard(board);
            host.addDriver("hwtest/flags", driver, List.of("hwtest,flags"), 0, 1, "hwtest");
            host.putNode("n1", Map.of("name", "flags0", "compatible", "hwtest,flags", "gpios", 20,
                    "gpio-flags", "pull-up|active-low"));
            host.putNode("n2", Map.of("name", "flags1", "compatible", "hwtest,flags", "gpios", 21,
                    "gpio-flags", "pull-up|pull-down"));
            assertTrue(host.awaitIdle(Duration.ofSeconds(30)));
            DeviceInfo ok = host.device("flags0").orElseThrow();
            assertEquals(DeviceState.BOUND, ok.state(), ok.reason());
            try (GpioChip chip = GpioChip.open(a.dev())) {
                GpioLineInfo info = chip.lineInfo(20);
                assertEquals(LineConfig.Bias.PULL_UP, info.bias());
                assertTrue(info.activeLow(), info.toString());
                assertEquals("flags0 GPIO 20", info.consumer());
                assertTrue(!chip.lineInfo(21).used(), "the bad node claimed nothing");
            }
            Rig.await(Duration.ofSeconds(10), "pulled up = inactive", () -> input.get().state() == DigitalState.LOW);
            assertEquals(1, a.value(20), "the wire is high");
            DeviceInfo bad = host.device("flags1").orElseThrow();
            assertEquals(DeviceState.FAILED, bad.state());
            assertTrue(bad.reason().contains("device flags1: key 'gpio-flags'"), bad.reason());
            System.out.println("hwtest: gpio-flags pull-up|active-low read back as " + info(a));
        }
    }

    private static String info(Rig.SimChip a) throws Exception {
        try (GpioChip chip = GpioChip.open(a.dev())) {
            GpioLineInfo i = chip.lineInfo(20);
            return i.bias() + (i.activeLow() ? " active-low" : "");
        }
    }
}
