package io.kdrv.hwtest.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.io.IOType;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.i2c.I2CProvider;
import io.kdrv.board.BoardException;
import io.kdrv.hwtest.Rig;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pi4J I2C register access on the SMBus-only i2c-stub, and an address that does not answer. Registers 0x40..0x4f. */
class I2cTest {
    private Context ctx;

    @BeforeEach
    void open() {
        ctx = LinuxRig.chipAPlatform().newContext();
    }

    @AfterEach
    void close() {
        ctx.shutdown();
    }

    private I2C device(int address) {
        I2CProvider p = ctx.providers().get(IOType.I2C);
        return p.create(I2C.newConfigBuilder(ctx).id("i2c-" + address).bus(Rig.i2cBus()).device(address).build());
    }

    @Test
    void registerReadsAndWritesWorkOverSmbus() throws Exception {
        I2C dev = device(Rig.I2C_ADDR);
        dev.writeRegister(0x40, (byte) 0x5a);
        assertEquals(0x5a, dev.readRegister(0x40));
        Rig.Result get = Rig.exec(Duration.ofSeconds(30), "i2cget", "-y", Integer.toString(Rig.i2cBus()),
                "0x" + Integer.toHexString(Rig.I2C_ADDR), "0x40");
        assertEquals("0x5a", get.output().trim(), "what i2cget sees");

        byte[] block = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
            25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35};
        dev.writeRegister(0x41, block, 0, 14); // I2C block write
        byte[] back = new byte[14];
        assertEquals(14, dev.readRegister(0x41, back));
        assertArrayEquals(java.util.Arrays.copyOf(block, 14), back);
        int word = dev.readRegisterWord(0x41) & 0xFFFF;
        assertTrue(word == 0x0102 || word == 0x0201, "word of registers 0x41, 0x42: " + Integer.toHexString(word));
        byte[] one = new byte[1];
        assertEquals(1, dev.readRegister(new byte[] {0x43}, one, 0, 1));
        assertEquals(3, one[0]);
    }

    @Test
    void anAddressThatDoesNotAnswerGivesAClearError() {
        I2C dev = device(0x50);
        BoardException e = assertThrows(BoardException.class, () -> dev.readRegister(0x00));
        String m = e.getMessage();
        assertTrue(m.contains("I2C bus " + Rig.i2cBus() + " address 0x50"), m);
        assertTrue(m.contains("ENXIO") || m.contains("EREMOTEIO") || m.contains("ENODEV"), m);
        System.out.println("hwtest: " + m);
    }
}
