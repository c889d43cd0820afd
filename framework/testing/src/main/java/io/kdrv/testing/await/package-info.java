/**
 * {@link io.kdrv.testing.await.Await}: bounded polling for test conditions. A package of its own that depends on
 * nothing but opentest4j, so OSGi integration-test bundles inline it ({@code -conditionalpackage:
 * io.kdrv.testing.await}) instead of keeping copies, without deploying kdrv-testing into the framework.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.kdrv.testing.await;
