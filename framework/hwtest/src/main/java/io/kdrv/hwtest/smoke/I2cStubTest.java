package io.kdrv.hwtest.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.hwtest.Rig;
import io.kdrv.hwtest.Rig.Result;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The i2c-stub bus exists, its /dev/i2c-N opens, and a register written with i2cset reads back with i2cget. */
class I2cStubTest {
  private static final Duration TOOL = Duration.ofSeconds(30);

  @Test
  void stubAdapterIsOnItsBusAndItsDeviceOpens() throws IOException {
    int bus = Rig.i2cBus();
    assertEquals("SMBus stub driver", Files.readString(Path.of("/sys/bus/i2c/devices/i2c-" + bus, "name")).trim());
    try (RandomAccessFile dev = new RandomAccessFile(Rig.i2cDev().toFile(), "rw")) {
      assertTrue(dev.getFD().valid(), Rig.i2cDev() + " opened without a valid descriptor");
    }
    assertEquals(Path.of("/dev/i2c-" + bus), Rig.i2cDev());
  }

  @Test
  void registerWrittenWithI2csetReadsBackWithI2cget() throws InterruptedException {
    String bus = Integer.toString(Rig.i2cBus());
    String addr = "0x" + Integer.toHexString(Rig.I2C_ADDR);
    // 0xf0 is a register none of the driver tests preset (bme280's are 0x88..0xa1, 0xd0, 0xe1..0xf7 minus 0xf0)
    Result set = Rig.exec(TOOL, "i2cset", "-y", bus, addr, "0xf0", "0x5a");
    assertEquals(0, set.exit(), "i2cset: " + set.output());
    Result get = Rig.exec(TOOL, "i2cget", "-y", bus, addr, "0xf0");
    assertEquals(0, get.exit(), "i2cget: " + get.output());
    assertEquals("0x5a", get.output().trim());
  }
}
