/**
 * Service provider interface between the board and hardware providers: how a provider hands kernel edge events
 * straight to the irq kthread. Not for drivers.
 *
 * <p>0.2.0: {@link io.kdrv.board.spi.TimestampedStateChangeEvent}.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package io.kdrv.board.spi;
