package io.kdrv.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.pwm.Pwm;
import com.pi4j.io.pwm.PwmPolarity;
import io.kdrv.board.mock.PwmChange;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.driver.PwmController;
import io.kdrv.driver.PwmState;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PWM device class: SoC channels on the mock board, controller channels from a driver, device links. */
@Timeout(60)
class PwmDeviceTest {
    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    /** Opens pwms[0], turns it on, keeps it by device name. */
    static class PwmUser implements Driver {
        final Map<String, Pwm> pwms = new ConcurrentHashMap<>();
        final List<String> removed = new CopyOnWriteArrayList<>();

        @Override
        public void probe(Device dev) throws Exception {
            Pwm p = dev.pwm("pwms");
            pwms.put(dev.name(), p);
            p.on();
        }

        @Override
        public void remove(Device dev) {
            removed.add(dev.name());
            pwms.remove(dev.name());
        }
    }

    /** A controller driver whose chip records every state the core applies. */
    static final class FakeController implements Driver {
        final List<String> applied = new CopyOnWriteArrayList<>();
        final List<String> removed;

        FakeController(List<String> removed) {
            this.removed = removed;
        }

        @Override
        public void probe(Device dev) {
            dev.registerPwmController(new PwmController() {
                @Override
                public int channels() {
                    return 4;
                }

                @Override
                public void apply(int channel, PwmState state) throws IOException {
                    applied.add(channel + ":" + (state.enabled() ? "on" : "off") + "@" + state.frequency() + "/"
                            + state.dutyCycle());
                }
            });
        }

        @Override
        public void remove(Device dev) {
            removed.add(dev.name());
        }
    }

    private final PwmUser user = new PwmUser();

    @Test
    void socChannelTakesItsDefaultsFromNodeKeysAndIsDisabledOnRelease() throws Exception {
        bed.register(user, "test,pwm-user");
        DeviceInfo d = bed.addDevice("fan0", "test,pwm-user", "pwms", new String[] {"0:1"},
                "pwm-frequency", 25000, "pwm-duty-cycle", 40, "pwm-polarity", "inversed");
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        List<PwmChange> h = bed.mock().pwmHistory(0, 1);
        assertEquals(2, h.size(), h.toString());
        assertEquals(new PwmChange(false, 25000, 40, PwmPolarity.INVERSED, 0), h.get(0).withNanos(0));
        assertTrue(h.get(1).enabled());
        assertTrue(h.get(1).nanos() >= h.get(0).nanos());

        Pwm p = user.pwms.get("fan0");
        p.dutyCycle(75);
        p.frequency(100);
        PwmChange now = bed.mock().pwm(0, 1);
        assertEquals(new PwmChange(true, 100, 75, PwmPolarity.INVERSED, 0), now.withNanos(0));

        bed.removeDevice("fan0");
        assertFalse(bed.mock().isPwmOpen(0, 1));
        assertFalse(bed.mock().pwm(0, 1).enabled(), "disabled on release");
    }

    @Test
    void aPlainIntegerEntryIsAChannelOfChipZeroAndChipsCanBeAdded() {
        int chip = bed.mock().addPwmChip(4);
        bed.register(user, "test,pwm-user");
        assertEquals(DeviceState.BOUND, bed.addDevice("a", "test,pwm-user", "pwms", new int[] {1}).state());
        assertTrue(bed.mock().isPwmOpen(0, 1));
        assertEquals(1000, bed.mock().pwm(0, 1).frequency(), "default frequency");
        assertEquals(0, bed.mock().pwm(0, 1).dutyCycle(), "default duty cycle");
        assertEquals(DeviceState.BOUND, bed.addDevice("b", "test,pwm-user", "pwms", chip + ":3").state());
        assertTrue(bed.mock().isPwmOpen(chip, 3));
    }

    @Test
    void badValuesFailNamingDeviceAndKey() {
        bed.register(user, "test,pwm-user");
        assertFailed(bed.addDevice("c", "test,pwm-user", "pwms", "3:0"), "device c", "'pwms'", "no PWM chip 3");
        assertFailed(bed.addDevice("r", "test,pwm-user", "pwms", "0:2"), "device r", "'pwms'", "channels 0..1");
        assertFailed(bed.addDevice("f", "test,pwm-user", "pwms", "0", "pwm-frequency", 0), "device f",
                "'pwm-frequency'", "> 0");
        assertFailed(bed.addDevice("u", "test,pwm-user", "pwms", "0", "pwm-duty-cycle", 120), "device u",
                "'pwm-duty-cycle'");
        assertFailed(bed.addDevice("p", "test,pwm-user", "pwms", "0", "pwm-polarity", "upside-down"), "device p",
                "'pwm-polarity'", "normal or inversed");
        assertFailed(bed.addDevice("m", "test,pwm-user", "pwms", "zero:x"), "device m", "'pwms'", "<chip>:<channel>");
        assertFailed(bed.addDevice("n", "test,pwm-user", "pwms", new String[] {"0", "1"}, "pwm-frequency",
                new int[] {50, 60, 70}), "device n", "'pwm-frequency'", "3 entries for 2");
        assertFalse(bed.mock().isPwmOpen(0, 0));
        // one bad node does not disturb the others
        assertEquals(DeviceState.BOUND, bed.addDevice("ok", "test,pwm-user", "pwms", "0").state());
    }

    @Test
    void aChannelHasOneClaimantAndTheErrorNamesIt() {
        bed.register(user, "test,pwm-user");
        assertEquals(DeviceState.BOUND, bed.addDevice("first", "test,pwm-user", "pwms", "0:0").state());
        assertFailed(bed.addDevice("second", "test,pwm-user", "pwms", "0:0"), "claimed by device first");
        assertTrue(bed.mock().pwm(0, 0).enabled(), "the owner's channel is untouched");
    }

    @Test
    void controllerChannelDefersUntilTheControllerBindsAndIsRemovedBeforeIt() {
        List<String> order = new CopyOnWriteArrayList<>();
        FakeController ctl = new FakeController(order);
        PwmUser consumer = new PwmUser() {
            @Override
            public void remove(Device dev) {
                order.add(dev.name());
            }
        };
        bed.register("test/consumer", consumer, "test,pwm-user");
        bed.register("test/ctl", ctl, "test,pwm-ctl");
        DeviceInfo d = bed.addDevice("servo0", "test,pwm-user", "pwms", "ctl0:3", "pwm-frequency", 50,
                "pwm-duty-cycle", 7.5);
        assertEquals(DeviceState.DEFERRED, d.state());
        assertTrue(d.reason().contains("PWM controller ctl0 is not bound (no device node ctl0 yet; pwms = ctl0:3)"),
                d.reason());

        assertEquals(DeviceState.BOUND, bed.addDevice("ctl0", "test,pwm-ctl").state());
        assertEquals(DeviceState.BOUND, bed.awaitState("servo0", DeviceState.BOUND).state());
        assertEquals(List.of("3:off@50/8.0", "3:on@50/8.0"), ctl.applied);

        bed.unbind("ctl0");
        assertEquals(List.of("servo0", "ctl0"), order, "the consumer goes first (device link)");
        assertEquals("3:off@50/8.0", ctl.applied.getLast(), "the consumer's channel was disabled");
        DeviceInfo after = bed.device("servo0");
        assertEquals(DeviceState.DEFERRED, after.state());
        assertTrue(after.reason().contains("PWM controller ctl0 is not bound (device ctl0 is UNBOUND"),
                after.reason());

        bed.bind("ctl0");
        assertEquals(DeviceState.BOUND, bed.awaitState("servo0", DeviceState.BOUND).state());
    }

    @Test
    void controllerChannelOutOfRangeAndDoubleClaimAreNamed() {
        FakeController ctl = new FakeController(new CopyOnWriteArrayList<>());
        bed.register("test/ctl", ctl, "test,pwm-ctl");
        bed.register(user, "test,pwm-user");
        bed.addDevice("ctl0", "test,pwm-ctl");
        assertFailed(bed.addDevice("x", "test,pwm-user", "pwms", "ctl0:4"), "device x", "'pwms'", "channels 0..3");
        assertEquals(DeviceState.BOUND, bed.addDevice("y", "test,pwm-user", "pwms", "ctl0:2").state());
        assertFailed(bed.addDevice("z", "test,pwm-user", "pwms", "ctl0:2"), "PWM ctl0:2", "claimed by device y");
        Pwm p = user.pwms.get("y");
        bed.removeDevice("y");
        assertThrows(IllegalStateException.class, p::on, "a released channel refuses use");
    }

    @Test
    void aBoundDeviceThatIsNoControllerIsAConfigurationError() {
        bed.register("test/plain", dev -> { }, "test,plain");
        bed.register(user, "test,pwm-user");
        assertEquals(DeviceState.BOUND, bed.addDevice("plain0", "test,plain").state());
        assertFailed(bed.addDevice("w", "test,pwm-user", "pwms", "plain0:0"), "device w", "'pwms'",
                "device plain0 is bound but registered no PWM controller");
    }

    @Test
    void releasedSocChannelLeavesNothingOnTheBoard() throws Exception {
        bed.register(user, "test,pwm-user");
        bed.addDevice("led", "test,pwm-user", "pwms", "0:0", "pwm-duty-cycle", 10);
        assertTrue(bed.mock().awaitPwm(0, 0, PwmChange::enabled, Duration.ofSeconds(5)));
        bed.unbind("led");
        assertFalse(bed.mock().isPwmOpen(0, 0));
        assertEquals(DeviceState.BOUND, bed.addDevice("led2", "test,pwm-user", "pwms", "0:0").state(),
                "the channel is free again");
    }

    private static void assertFailed(DeviceInfo d, String... fragments) {
        assertEquals(DeviceState.FAILED, d.state(), d.toString());
        for (String f : fragments) {
            assertTrue(d.reason().contains(f), "'" + f + "' in: " + d.reason());
        }
    }
}
