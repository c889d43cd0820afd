/**
 * JUnit 5 support for driver authors: {@link io.kdrv.testing.KdrvTestBed} (mock board + embedded driver core),
 * {@link io.kdrv.testing.KthreadLeakCheck}, {@link io.kdrv.testing.DriverAssertions} (device state, leftover
 * kthreads), {@link io.kdrv.testing.NodeTemplate} (shared node keys); polling helper in {@code io.kdrv.testing.await}.
 * 0.2.0: DriverAssertions and NodeTemplate. 0.3.0: KdrvTestBed.addDevices/removeDevices (nodes handed over at once).
 * 0.4.0: {@link io.kdrv.testing.MemoryGpioController} (consumers on controller lines without a chip model),
 * {@code KdrvTestBed.line(label)}, {@code RecordingEventAdmin.awaitTopic}.
 */
@org.osgi.annotation.versioning.Version("0.4.0")
package io.kdrv.testing;
