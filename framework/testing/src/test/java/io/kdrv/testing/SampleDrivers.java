package io.kdrv.testing;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.i2c.I2C;
import io.kdrv.driver.Device;
import io.kdrv.driver.Driver;
import io.kdrv.driver.Edge;
import io.kdrv.driver.IrqEvent;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.PeriodicTimer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Small drivers used by the end-to-end tests, written the way a driver author would. */
final class SampleDrivers {
    private SampleDrivers() {
    }

    /** gpio-keys-like: one input per device, a threaded IRQ on it, events recorded with the handling thread. */
    static final class ButtonDriver implements Driver {
        record Seen(String device, IrqEvent event, String thread) {
        }

        final List<Seen> seen = new CopyOnWriteArrayList<>();
        final List<String> removed = new CopyOnWriteArrayList<>();

        @Override
        public void probe(Device dev) throws Exception {
            DigitalInput key = dev.gpioInput("gpios");
            Duration debounce = Duration.ofMillis(dev.getInt("debounce-ms", 0));
            dev.requestThreadedIrq(key, Edge.BOTH, debounce,
                    e -> seen.add(new Seen(dev.name(), e, Kthread.current().name())));
        }

        @Override
        public void remove(Device dev) {
            removed.add(dev.name());
        }
    }

    /** leds-gpio-like with a blink kthread that it never stops itself: devres must. */
    static final class BlinkDriver implements Driver {
        @Override
        public void probe(Device dev) throws Exception {
            DigitalOutput led = dev.gpioOutput("gpios");
            Duration period = Duration.ofMillis(dev.getInt("period-ms", 2));
            dev.kthreadRun(out -> {
                PeriodicTimer timer = new PeriodicTimer(period);
                while (timer.waitNextPeriod()) {
                    out.toggle();
                }
                return 0;
            }, led, "blink/%s", dev.name());
        }
    }

    /** An I2C driver that checks a chip id in probe, like most sensor drivers. */
    static final class ChipIdDriver implements Driver {
        volatile int id = -1;

        @Override
        public void probe(Device dev) throws Exception {
            I2C i2c = dev.i2c();
            int chipId = i2c.readRegister(0xD0);
            if (chipId != 0x58) {
                throw new IllegalStateException("device " + dev.name() + ": unexpected chip id 0x"
                        + Integer.toHexString(chipId));
            }
            id = chipId;
        }
    }
}
