/**
 * JUnit 5 support for driver authors: {@link io.kdrv.testing.KdrvTestBed} (mock board + embedded driver core),
 * {@link io.kdrv.testing.KthreadLeakCheck}; polling helper in {@code io.kdrv.testing.await}.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.kdrv.testing;
