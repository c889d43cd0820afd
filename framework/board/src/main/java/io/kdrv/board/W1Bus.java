package io.kdrv.board;

import io.kdrv.driver.W1Slave;
import java.util.List;

/**
 * A board platform's 1-Wire buses ({@link BoardPlatform#w1Bus()}): on Linux the kernel's w1 subsystem in sysfs,
 * on the mock board the simulated slaves. The board claims slaves on top of it (one owner per id) and releases
 * them on remove; a {@code W1Bus} only finds them.
 *
 * <p>Thread-safe.
 */
public interface W1Bus {
    /**
     * Finds slave {@code id} (already checked and lower case, see {@link W1Slave#checkId}).
     *
     * @param master the bus master to look on, null for any
     * @return the slave; its calls work until the board releases it
     * @throws IllegalArgumentException naming the id, the master and where it looked, when there is no such slave
     */
    W1Slave find(String master, String id);

    /** @return the ids of the slaves present now, as {@code master/id}, sorted (diagnostics) */
    List<String> slaves();
}
