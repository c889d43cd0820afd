package io.kdrv.driver;

/**
 * The node keys {@link Device#w1()} reads. Declare them in a 1-Wire driver's {@link Binding} ({@link #ALL}, or one
 * by one with your own description or default).
 */
public final class W1Keys {
    /** The slave's id as in {@code /sys/bus/w1/devices}, e.g. {@code 28-00000abcdef0} (String, required). */
    public static final NodeKey ID = NodeKey.ofString("w1-id").required()
            .description("1-Wire slave id, family-serial in hex (e.g. 28-00000abcdef0)");
    /** The bus master to look on ({@code w1_bus_master1}; String, optional: any master). */
    public static final NodeKey MASTER = NodeKey.ofString("w1-master")
            .description("1-Wire bus master, e.g. w1_bus_master1 (absent: any master that has the slave)");

    /** Every key above, for {@code Binding.of(...)}. */
    public static NodeKey[] all() {
        return new NodeKey[] {ID, MASTER};
    }

    private W1Keys() {
    }
}
