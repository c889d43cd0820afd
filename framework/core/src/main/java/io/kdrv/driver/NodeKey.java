package io.kdrv.driver;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One device node key a driver uses, as part of its {@link Binding} (the driver's binding schema, like a Linux
 * device-tree binding): name, type, whether it is required or its default, an optional lower bound, and a
 * description for {@code kdrv:drivers}.
 *
 * <pre>{@code
 * static final NodeKey GPIOS = NodeKey.ofIntArray("gpios").required().min(0).description("input lines");
 * static final NodeKey DEBOUNCE_MS = NodeKey.ofInt("debounce-ms").defaultValue(5).min(0).description("settle time");
 * }</pre>
 *
 * <p>The core checks a node against the matched driver's keys before calling {@link Driver#probe}: a required key
 * that is missing, or a value that does not convert to the type (the {@link Device} getters' conversions) or is
 * below {@link #min}, fails the device with a {@link DeviceConfigException} naming the device and key, without
 * calling the driver. The {@link Device} getters without a default return a declared key's default when the node
 * lacks it.
 *
 * <p>Immutable and thread-safe; the builder-style methods return a new key.
 */
public final class NodeKey {
    /** Value types, with the conversions of the {@link Device} getters (Strings parse, ints accept {@code 0x}). */
    public enum Type {
        STRING("String"), INT("int"), LONG("long"), DOUBLE("double"), BOOLEAN("boolean"),
        STRING_ARRAY("String[]"), INT_ARRAY("int[]"), LONG_ARRAY("long[]"), DOUBLE_ARRAY("double[]"),
        BOOLEAN_ARRAY("boolean[]");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        /** @return the Java-like type name ({@code int[]}) */
        public String label() {
            return label;
        }

        /** @return whether a lower bound applies (numbers and number arrays) */
        public boolean numeric() {
            return this == INT || this == LONG || this == DOUBLE || this == INT_ARRAY || this == LONG_ARRAY
                    || this == DOUBLE_ARRAY;
        }
    }

    /** The I2C bus of {@link Device#i2c()} ({@code i2c-bus}, int &ge; 0, default 1). */
    public static final NodeKey I2C_BUS = ofInt("i2c-bus").defaultValue(1).min(0).description("I2C bus number");
    /**
     * The flags key of the GPIO lines in {@code linesKey} ({@link LineConfig#flagsKey}: {@code gpios} &rarr;
     * {@code gpio-flags}), String[], optional: what {@link Device#gpioConfig} reads. Declare it next to the lines key.
     */
    public static NodeKey ofLineFlags(String linesKey) {
        return ofStringArray(LineConfig.flagsKey(linesKey)).description("flags of the '" + linesKey
                + "' lines (pull-up|pull-down|bias-disabled|open-drain|open-source|active-low|debounce-us=N), "
                + "one entry per line or one for all");
    }

    /** The I2C address of {@link Device#i2c()} ({@code reg}, int &ge; 0, required; {@code "0x76"} accepted). */
    public static final NodeKey REG = ofInt("reg").required().min(0).description("I2C address");

    private final String name;
    private final Type type;
    private final boolean required;
    private final Object defaultValue;
    private final Long min;
    private final String description;

    private NodeKey(String name, Type type, boolean required, Object defaultValue, Long min, String description) {
        this.name = name;
        this.type = type;
        this.required = required;
        this.defaultValue = defaultValue;
        this.min = min;
        this.description = description;
    }

    /**
     * A key of {@code type}, optional, no default, no bound, no description.
     *
     * @throws IllegalArgumentException if {@code name} is blank or a framework key ({@code name},
     *         {@code compatible}, {@code driver})
     */
    public static NodeKey of(String name, Type type) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isBlank()) {
            throw new IllegalArgumentException("node key name must not be blank");
        }
        if (name.equals("name") || name.equals("compatible") || name.equals("driver")) {
            throw new IllegalArgumentException("node key '" + name + "' is a framework key, checked by the core");
        }
        return new NodeKey(name, type, false, null, null, "");
    }

    public static NodeKey ofString(String name) {
        return of(name, Type.STRING);
    }

    public static NodeKey ofInt(String name) {
        return of(name, Type.INT);
    }

    public static NodeKey ofLong(String name) {
        return of(name, Type.LONG);
    }

    public static NodeKey ofDouble(String name) {
        return of(name, Type.DOUBLE);
    }

    public static NodeKey ofBoolean(String name) {
        return of(name, Type.BOOLEAN);
    }

    public static NodeKey ofStringArray(String name) {
        return of(name, Type.STRING_ARRAY);
    }

    public static NodeKey ofIntArray(String name) {
        return of(name, Type.INT_ARRAY);
    }

    public static NodeKey ofLongArray(String name) {
        return of(name, Type.LONG_ARRAY);
    }

    public static NodeKey ofDoubleArray(String name) {
        return of(name, Type.DOUBLE_ARRAY);
    }

    public static NodeKey ofBooleanArray(String name) {
        return of(name, Type.BOOLEAN_ARRAY);
    }

    /**
     * This key, required: a node without it fails probe ("missing").
     *
     * @throws IllegalStateException if a default is set
     */
    public NodeKey required() {
        if (defaultValue != null) {
            throw new IllegalStateException("node key '" + name + "': a key with a default cannot be required");
        }
        return new NodeKey(name, type, true, null, min, description);
    }

    /**
     * This key with a default, returned by the getters without a default when the node lacks the key. The value
     * must be what the type's getter returns ({@code Integer} for INT, {@code int[]} for INT_ARRAY, ...).
     *
     * @throws IllegalArgumentException if the value does not fit the type
     * @throws IllegalStateException    if the key is required
     */
    public NodeKey defaultValue(Object value) {
        Objects.requireNonNull(value, "value");
        if (required) {
            throw new IllegalStateException("node key '" + name + "': a required key cannot have a default");
        }
        Class<?> expected = switch (type) {
            case STRING -> String.class;
            case INT -> Integer.class;
            case LONG -> Long.class;
            case DOUBLE -> Double.class;
            case BOOLEAN -> Boolean.class;
            case STRING_ARRAY -> String[].class;
            case INT_ARRAY -> int[].class;
            case LONG_ARRAY -> long[].class;
            case DOUBLE_ARRAY -> double[].class;
            case BOOLEAN_ARRAY -> boolean[].class;
        };
        Object v = value;
        if (type == Type.LONG && value instanceof Integer i) {
            v = i.longValue();
        } else if (type == Type.DOUBLE && value instanceof Number n && !(value instanceof Double)) {
            v = n.doubleValue();
        }
        if (!expected.isInstance(v)) {
            throw new IllegalArgumentException("node key '" + name + "' (" + type.label() + "): default "
                    + value.getClass().getSimpleName() + " " + value + " does not fit");
        }
        return new NodeKey(name, type, false, v, min, description);
    }

    /**
     * This key with a lower bound (inclusive) on its value, or on every entry of an array.
     *
     * @throws IllegalStateException if the type is not numeric
     */
    public NodeKey min(long min) {
        if (!type.numeric()) {
            throw new IllegalStateException("node key '" + name + "' (" + type.label() + "): min needs a number type");
        }
        return new NodeKey(name, type, required, defaultValue, min, description);
    }

    /** This key with a one-line description (shown by {@code kdrv:drivers}). */
    public NodeKey description(String description) {
        return new NodeKey(name, type, required, defaultValue, this.min, Objects.requireNonNull(description, "description"));
    }

    public String name() {
        return name;
    }

    public Type type() {
        return type;
    }

    public boolean isRequired() {
        return required;
    }

    /** @return the default (arrays: a copy is not made; do not modify), empty if none */
    public Optional<Object> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public OptionalLong min() {
        return min == null ? OptionalLong.empty() : OptionalLong.of(min);
    }

    public String description() {
        return description;
    }

    /** One line for listings: {@code debounce-ms int >= 0, default 5: settle time}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name).append(' ').append(type.label());
        if (min != null) {
            b.append(" >= ").append(min);
        }
        if (required) {
            b.append(", required");
        } else if (defaultValue != null) {
            b.append(", default ").append(format(defaultValue));
        }
        if (!description.isEmpty()) {
            b.append(": ").append(description);
        }
        return b.toString();
    }

    private static String format(Object v) {
        if (v instanceof Object[] a) {
            return java.util.Arrays.toString(a);
        }
        if (v instanceof int[] a) {
            return java.util.Arrays.toString(a);
        }
        if (v instanceof long[] a) {
            return java.util.Arrays.toString(a);
        }
        if (v instanceof double[] a) {
            return java.util.Arrays.toString(a);
        }
        if (v instanceof boolean[] a) {
            return java.util.Arrays.toString(a);
        }
        return String.valueOf(v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeKey k && k.name.equals(name) && k.type == type && k.required == required
                && java.util.Objects.deepEquals(k.defaultValue, defaultValue) && Objects.equals(k.min, min)
                && k.description.equals(description);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, required, min);
    }
}
