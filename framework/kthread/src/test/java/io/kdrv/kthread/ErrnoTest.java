package io.kdrv.kthread;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrnoTest {
    @Test
    void valuesAreTheLinuxOnes() {
        assertEquals(4, Errno.EINTR);
        assertEquals(5, Errno.EIO);
        assertEquals(12, Errno.ENOMEM);
        assertEquals(16, Errno.EBUSY);
        assertEquals(19, Errno.ENODEV);
        assertEquals(22, Errno.EINVAL);
        assertEquals(110, Errno.ETIMEDOUT);
        assertEquals(517, Errno.EPROBE_DEFER);
    }

    @Test
    void namesForLogs() {
        assertEquals("EINTR", Errno.name(-Errno.EINTR));
        assertEquals("EPROBE_DEFER", Errno.name(Errno.EPROBE_DEFER));
        assertEquals("42", Errno.name(42));
    }
}
