package io.kdrv.runtime.launcher;

import java.io.File;
import java.lang.reflect.InvocationTargetException;

/**
 * Main-Class of the kdrv executable jars, compiled for Java 8 so that any installed java can run it: on a runtime
 * older than 25 it prints one line naming the java and its version and exits 1, before a single Java 25 class
 * (or Felix) is loaded. Otherwise it hands over to {@code Main}.
 */
public final class JavaCheck {
    static final int REQUIRED = 25;

    private JavaCheck() {
    }

    public static void main(String[] args) throws Throwable {
        int feature = feature(System.getProperty("java.specification.version", "0"));
        if (feature < REQUIRED) {
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            System.err.println("kdrv needs Java " + REQUIRED + " or newer; " + java + " is "
                    + System.getProperty("java.version"));
            System.exit(1);
        }
        try {
            Class.forName("io.kdrv.runtime.launcher.Main").getMethod("main", String[].class)
                    .invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** "1.8" gives 8, "17" gives 17, "25" gives 25; 0 when unparsable (treated as too old). */
    static int feature(String spec) {
        String s = spec.startsWith("1.") ? spec.substring(2) : spec;
        int dot = s.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? s : s.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
