/**
 * The API of the ${compatible} driver: {@link ${package}.TemperatureSensor}, a bound device as seen from outside.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package ${package};
