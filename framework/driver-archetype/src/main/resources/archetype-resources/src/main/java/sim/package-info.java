/**
 * A simulated ${compatible} chip for kdrv's mock board: {@link ${package}.sim.TemperatureChip}.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package ${package}.sim;
