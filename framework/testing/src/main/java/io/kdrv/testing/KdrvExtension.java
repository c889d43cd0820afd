package io.kdrv.testing;

import io.kdrv.board.KdrvBoard;
import io.kdrv.board.mock.MockBoard;
import io.kdrv.driver.DeviceManager;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * {@code @ExtendWith(KdrvExtension.class)}: a default {@link KdrvTestBed} per test, injected into test (and
 * {@code @BeforeEach}) methods that declare a parameter of type {@link KdrvTestBed}, {@link MockBoard},
 * {@link KdrvBoard} or {@link DeviceManager}.
 *
 * <pre>{@code
 * @ExtendWith(KdrvExtension.class)
 * class LedTest {
 *     @Test
 *     void blinks(KdrvTestBed bed, MockBoard mock) { ... }
 * }
 * }</pre>
 * Use {@code @RegisterExtension KdrvTestBed bed = KdrvTestBed.builder()...build()} for non-default settings.
 */
public final class KdrvExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KdrvExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        KdrvTestBed bed = KdrvTestBed.create();
        context.getStore(NS).put(KdrvTestBed.class, bed);
        bed.beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        KdrvTestBed bed = context.getStore(NS).remove(KdrvTestBed.class, KdrvTestBed.class);
        if (bed != null) {
            bed.afterEach(context);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KdrvTestBed.class || type == MockBoard.class || type == KdrvBoard.class
                || type == DeviceManager.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        KdrvTestBed bed = context.getStore(NS).get(KdrvTestBed.class, KdrvTestBed.class);
        if (bed == null) {
            throw new IllegalStateException("KdrvExtension: no test bed (parameters are available in @Test and "
                    + "@BeforeEach methods only)");
        }
        Class<?> type = parameter.getParameter().getType();
        if (type == MockBoard.class) {
            return bed.mock();
        }
        if (type == KdrvBoard.class) {
            return bed.board();
        }
        if (type == DeviceManager.class) {
            return bed.manager();
        }
        return bed;
    }
}
