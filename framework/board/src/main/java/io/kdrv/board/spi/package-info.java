/**
 * Service provider interface between the board and hardware providers: how a provider hands kernel edge events
 * straight to the irq kthread. Not for drivers.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.kdrv.board.spi;
