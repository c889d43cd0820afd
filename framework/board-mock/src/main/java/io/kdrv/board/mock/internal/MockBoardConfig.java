package io.kdrv.board.mock.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the mock board: PID {@code kdrv.board.mock}. */
@ObjectClassDefinition(id = "kdrv.board.mock", name = "kdrv mock board",
        description = "The simulated board used when the kdrv board platform is 'mock'.")
public @interface MockBoardConfig {
    @AttributeDefinition(name = "GPIO lines", min = "1", max = "1024",
            description = "Number of simulated GPIO lines (0..lines-1).")
    int lines() default 28;
}
