package io.kdrv.examples.demo;

import com.pi4j.io.pwm.Pwm;
import io.kdrv.driver.Device;
import io.kdrv.driver.Driver;
import io.kdrv.kthread.PeriodicTimer;
import java.time.Duration;

/**
 * The demo's PWM consumer, compatible {@value #COMPATIBLE}: a hobby servo on entry 0 of its node's {@code pwms}
 * (in the demo a PCA9685 channel, {@code "pca0:0"}), swept back and forth by kthread {@code servo/<device>}, one
 * step every 250 ms through Pi4J's {@link Pwm} from {@link Device#pwm}: duty 3..12 % at 50 Hz is a pulse of
 * 600..2400 µs. The kthread and the channel are device-managed: remove stops the sweep and turns the channel off.
 * Registered by the demo only (not a shipped driver: a real servo driver would take angles, not percent).
 */
final class ServoSweepDriver implements Driver {
    static final String COMPATIBLE = "demo,servo-sweep";
    static final int MIN_DUTY = 3, MAX_DUTY = 12;

    @Override
    public void probe(Device dev) throws Exception {
        Pwm pwm = dev.pwm("pwms"); // defers until the PWM controller's device is bound
        pwm.setDutyCycle(MIN_DUTY);
        pwm.on();
        dev.kthreadRun(p -> {
            PeriodicTimer timer = new PeriodicTimer(Duration.ofMillis(250));
            int duty = MIN_DUTY, step = 1;
            while (timer.waitNextPeriod()) {
                if (duty + step > MAX_DUTY || duty + step < MIN_DUTY) {
                    step = -step;
                }
                duty += step;
                p.setDutyCycle(duty);
            }
            return 0;
        }, pwm, "servo/%s", dev.name());
    }
}
