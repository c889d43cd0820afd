package io.kdrv.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.kdrv.board.KdrvBoard;
import io.kdrv.board.mock.MockBoard;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.DeviceState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KdrvExtension.class)
class KdrvExtensionTest {
    @Test
    void injectsTheBedAndItsParts(KdrvTestBed bed, MockBoard mock, KdrvBoard board, DeviceManager manager) {
        assertSame(mock, bed.mock());
        assertSame(board, bed.board());
        assertSame(manager, bed.manager());
        assertEquals("mock", board.platform());

        SampleDrivers.ButtonDriver driver = new SampleDrivers.ButtonDriver();
        bed.register(driver, "test,button");
        assertEquals(DeviceState.BOUND, bed.addDevice("button0", "test,button", "gpios", 3).state());
        assertEquals(1, manager.devices().size());
    }
}
