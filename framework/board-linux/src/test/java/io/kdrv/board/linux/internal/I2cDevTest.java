package io.kdrv.board.linux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kdrv.board.BoardException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class I2cDevTest {
    @TempDir
    Path dev;

    @Test
    void aMissingBusNamesBusAddressAndPath() {
        BoardException e = assertThrows(BoardException.class, () -> I2cDev.open("linux", dev.toString(), 7, 0x76));
        assertEquals("platform linux: ENOENT (no such file): I2C bus 7 address 0x76: cannot open " + dev + "/i2c-7",
                e.getMessage());
    }

    @Test
    void aFileThatIsNoAdapterIsRefusedByI2cFuncs() throws Exception {
        Files.createFile(dev.resolve("i2c-1"));
        BoardException e = assertThrows(BoardException.class, () -> I2cDev.open("linux", dev.toString(), 1, 0x50));
        assertEquals("platform linux: ENOTTY (not a GPIO/I2C character device (wrong ioctl for this file)): "
                + "I2C bus 1 address 0x50: " + dev + "/i2c-1 is not an I2C adapter (I2C_FUNCS failed)", e.getMessage());
    }
}
