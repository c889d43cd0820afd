package io.kdrv.examples.demo;

import io.kdrv.board.mock.MockBoard;
import io.kdrv.drivers.ads1115.sim.Ads1115Chip;
import io.kdrv.drivers.bme280.sim.Bme280Chip;
import io.kdrv.drivers.dht22.sim.Dht22Sim;
import io.kdrv.drivers.ds18b20.sim.Ds18b20Model;
import io.kdrv.drivers.hcsr04.sim.HcSr04Sim;
import io.kdrv.drivers.mcp23017.sim.Mcp23017Chip;
import io.kdrv.drivers.mcp3008.sim.Mcp3008Chip;
import io.kdrv.drivers.pca9685.sim.Pca9685Chip;
import io.kdrv.drivers.rotary.sim.RotaryEncoderSim;
import io.kdrv.drivers.sht31.sim.Sht31Chip;
import io.kdrv.drivers.ssd1306.Ssd1306Font;
import io.kdrv.drivers.ssd1306.sim.Ssd1306Chip;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The simulated parts behind {@code boards/mock-board.json}: one datasheet model per chip or sensor of the board
 * file, wired to the lines, buses and addresses below (keep both in step), and the stimulus that makes each produce
 * readings. {@link #attach()} must run before the board file's nodes exist: a probe finds an absent chip (NACK, no
 * echo, MISO all ones) and fails the device.
 *
 * <p>Not thread-safe: {@link #attach()}, {@link #step(long)} and {@link #detach()} are called by one thread at a time
 * (the demo's activation, its stimulus kthread, its deactivation). The models themselves are thread-safe: the
 * drivers' kthreads talk to them concurrently.
 */
final class DemoParts {
    // GPIO lines (BCM) of the board file; 2/3 (I2C) and 7..11 (SPI0) stay free as on a Pi.
    static final int ENTER_KEY = 17, BACK_KEY = 27, PIR = 4;
    static final int SONAR_TRIGGER = 24, SONAR_ECHO = 25;
    static final int KNOB_A = 5, KNOB_B = 6, KNOB_BUTTON = 13;
    static final int DHT_DATA = 12, DHT_START = 16;
    static final int ADC_READY = 22;
    /** The MCP23017's INTA (the LCD on its I2C backpack left GPIO 19..21, 26, 14, 15 free). */
    static final int MCP23017_INTA = 19;
    /** On the MCP23017: the panel button on GPA0, the door switch on GPA1, the panel LED on GPB0 (line 8). */
    static final int PANEL_KEY_PIN = 0, DOOR_PIN = 1, PANEL_LED_PIN = 8;
    /** The mock output lines whose level the demo reports after kdrv-core stopped (LEDs, triggers). */
    static final int[] OUTPUT_LINES = {18, 23, SONAR_TRIGGER, DHT_START};
    // I2C bus 1 and SPI bus 0 addresses of the board file.
    static final int I2C_BUS = 1, BME280_ADDR = 0x76, SHT31_ADDR = 0x44, ADS1115_ADDR = 0x48, SSD1306_ADDR = 0x3C,
            PCA9685_ADDR = 0x40, LCD_BACKPACK_ADDR = 0x27, MCP23017_ADDR = 0x20;
    /** The PCA9685 channel the demo's servo ({@link ServoSweepDriver}) is on. */
    static final int SERVO_CHANNEL = 0;
    static final int SPI_BUS = 0, MCP3008_CS = 0;
    /** The 1-Wire ids of the board file's two DS18B20 nodes (on the mock board's default 1-Wire master). */
    static final String TEMP_INSIDE_ID = "28-00000abcdef0", TEMP_OUTSIDE_ID = "28-0000075b1c2d";

    private final MockBoard board;
    private final Bme280Chip bme280 = new Bme280Chip();
    private final Sht31Chip sht31 = new Sht31Chip();
    private final Ads1115Chip ads1115 = new Ads1115Chip();
    private final Ssd1306Chip ssd1306 = new Ssd1306Chip();
    private final Mcp3008Chip mcp3008 = new Mcp3008Chip(3.3);
    private final Pca9685Chip pca9685 = new Pca9685Chip();
    private final LcdBackpack lcd = new LcdBackpack(2, 16);
    private final Mcp23017Chip mcp23017 = new Mcp23017Chip();
    private final Ds18b20Model tempInside = new Ds18b20Model(TEMP_INSIDE_ID);
    private final Ds18b20Model tempOutside = new Ds18b20Model(TEMP_OUTSIDE_ID);
    private HcSr04Sim sonar;
    private RotaryEncoderSim knob;
    private Dht22Sim dht22;
    private double temperature = 21.0;

    DemoParts(MockBoard board) {
        this.board = board;
    }

    /** Plugs every part in, each with a plausible first value. */
    void attach() {
        bme280.set(temperature, 101_325.0, 45.0);
        board.attach(I2C_BUS, BME280_ADDR, bme280);
        board.attach(I2C_BUS, SHT31_ADDR, sht31.set(22.5, 40.0));
        board.attach(I2C_BUS, ADS1115_ADDR, ads1115.setVoltage(0, 1.0).setVoltage(1, 0.5)).readyLine(board, ADC_READY);
        ssd1306.fill(0xFF); // random power-on RAM: the driver must clear it
        board.attach(I2C_BUS, SSD1306_ADDR, ssd1306);
        mcp3008.setInput(0, 0.0);
        mcp3008.setInput(1, 1.65);
        board.attachSpi(SPI_BUS, MCP3008_CS, mcp3008);
        board.attach(I2C_BUS, PCA9685_ADDR, pca9685);
        sonar = HcSr04Sim.attach(board, SONAR_TRIGGER, SONAR_ECHO).distance(1.0);
        knob = RotaryEncoderSim.attach(board, KNOB_A, KNOB_B, KNOB_BUTTON, true);
        dht22 = Dht22Sim.attach(board, DHT_DATA, DHT_START).set(19.5, 55.0);
        board.attach(I2C_BUS, LCD_BACKPACK_ADDR, lcd);
        mcp23017.setInput(PANEL_KEY_PIN, true); // button released: open, GPA0 reads high
        mcp23017.setInput(DOOR_PIN, true); // door closed: its switch open
        board.attach(I2C_BUS, MCP23017_ADDR, mcp23017).wireIntA(board, MCP23017_INTA);
        board.attachW1(tempInside.setTemperature(temperature));
        board.attachW1(tempOutside.setTemperature(8.0));
    }

    /**
     * One stimulus step (the demo calls it every 250 ms): buttons, motion, drifting temperatures and voltages, a
     * target coming closer and going away, knob turns.
     */
    void step(long tick) {
        if (tick % 4 == 0) {
            board.pulse(tick % 8 == 0 ? BACK_KEY : ENTER_KEY, Duration.ofMillis(60));
        }
        if (tick % 10 == 0) {
            board.setInput(PIR, true);
        } else if (tick % 10 == 3) {
            board.setInput(PIR, false);
        }
        temperature += 0.05 * Math.sin(tick / 8.0) + 0.02;
        bme280.setTemperature(temperature);
        sht31.set(temperature + 1.5, 40.0 + 5.0 * Math.sin(tick / 20.0));
        dht22.set(temperature - 1.5, 55.0 + 5.0 * Math.cos(tick / 20.0));
        double phase = tick / 6.0;
        ads1115.setVoltage(0, 1.0 + 0.5 * Math.sin(phase)); // a sensor voltage drifting around 1 V
        mcp3008.setInput(0, 1.65 + 1.5 * Math.sin(phase)); // a potentiometer swept across its range
        sonar.distance(0.8 + 0.6 * Math.sin(phase / 2)); // someone walking towards the ranger and away
        knob.turn(tick % 24 < 12 ? 1 : -1); // one detent per step: 12 clockwise, 12 back
        if (tick % 16 == 8) {
            knob.press();
        } else if (tick % 16 == 9) {
            knob.release();
        }
        // The expanders' inputs, through the chip models: each change raises the chip's INT line.
        if (tick % 6 == 1 || tick % 6 == 2) {
            mcp23017.setInput(PANEL_KEY_PIN, tick % 6 == 2); // pressed (low) for one step
        }
        if (tick % 12 == 3 || tick % 12 == 7) {
            mcp23017.setInput(DOOR_PIN, tick % 12 == 7); // door opened (low) for four steps
        }
        tempInside.setTemperature(temperature + 0.5);
        tempOutside.setTemperature(8.0 + 2.0 * Math.sin(tick / 10.0)); // outdoors drifts more
    }

    /**
     * What the parts show that no reading carries: the panel's text, read back from the OLED model's RAM; the servo
     * pulse the PWM controller's registers produce.
     */
    Map<String, String> states() {
        return Map.of("oled0", "shows " + panelText() + (ssd1306.displayOn() ? ", display on" : ", display off")
                        + ", contrast " + ssd1306.contrast(),
                "lcd0", "shows " + String.join(" / ", lcd.lcd().rows().stream().map(r -> '"' + r.stripTrailing() + '"')
                        .toList()) + (lcd.lcd().displayOn() ? ", display on" : ", display off")
                        + (lcd.lcd().backlight() ? ", backlight on" : ", backlight off"),
                "pca0", String.format(Locale.ROOT, "channel %d: %.0f µs pulse (%.1f %% duty) at %.2f Hz%s",
                        SERVO_CHANNEL, pca9685.pulseMicros(SERVO_CHANNEL), 100 * pca9685.duty(SERVO_CHANNEL),
                        pca9685.frequency(), pca9685.running() ? "" : ", oscillator stopped"),
                "pcf0", String.format(Locale.ROOT, "LCD backpack: port 0x%02x after %d port writes",
                        lcd.expander().latch(), lcd.expander().writes()),
                "expander0", String.format(Locale.ROOT, "GPB0 %s, %d interrupts",
                        mcp23017.isOutput(PANEL_LED_PIN) ? "output" : "input", mcp23017.interrupts()));
    }

    /** Unplugs every part (after kdrv-core removed the devices). */
    void detach() {
        board.detach(I2C_BUS, BME280_ADDR);
        board.detach(I2C_BUS, SHT31_ADDR);
        board.detach(I2C_BUS, ADS1115_ADDR);
        board.detach(I2C_BUS, SSD1306_ADDR);
        board.detachSpi(SPI_BUS, MCP3008_CS);
        board.detach(I2C_BUS, PCA9685_ADDR);
        board.detach(I2C_BUS, LCD_BACKPACK_ADDR);
        board.detach(I2C_BUS, MCP23017_ADDR);
        board.detachW1(TEMP_INSIDE_ID);
        board.detachW1(TEMP_OUTSIDE_ID);
        if (sonar != null) {
            sonar.detach();
        }
        if (dht22 != null) {
            dht22.detach();
        }
    }

    /** The OLED's text lines as the model's GDDRAM holds them, matched cell by cell against the driver's font. */
    private String panelText() {
        List<String> lines = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            byte[] page = ssd1306.page(p);
            StringBuilder line = new StringBuilder();
            for (int x = 0; x + Ssd1306Font.WIDTH <= page.length; x += Ssd1306Font.ADVANCE) {
                line.append(glyphAt(page, x));
            }
            String text = line.toString().stripTrailing();
            if (!text.isEmpty()) {
                lines.add('"' + text + '"');
            }
        }
        return lines.isEmpty() ? "nothing" : String.join(" / ", lines);
    }

    private static char glyphAt(byte[] page, int x) {
        for (char c = ' '; c <= '~'; c++) {
            byte[] g = Ssd1306Font.glyph(c);
            boolean same = true;
            for (int col = 0; col < Ssd1306Font.WIDTH && same; col++) {
                same = g[col] == page[x + col];
            }
            if (same) {
                return c;
            }
        }
        return '#'; // not a character: pixels drawn by other means, or RAM the driver never cleared
    }
}
