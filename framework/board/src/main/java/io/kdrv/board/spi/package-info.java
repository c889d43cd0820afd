/**
 * Service provider interface between the board and hardware providers: how a provider hands kernel edge events
 * straight to the irq kthread. Not for drivers.
 */
package io.kdrv.board.spi;
