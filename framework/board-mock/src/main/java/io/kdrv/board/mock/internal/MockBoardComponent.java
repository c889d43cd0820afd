package io.kdrv.board.mock.internal;

import io.kdrv.board.BoardPlatform;
import io.kdrv.board.Boards;
import io.kdrv.board.LineSimulator;
import io.kdrv.board.mock.MockBoard;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Registers one {@link MockBoard} as {@link MockBoard} (simulation API), {@link BoardPlatform} (platform
 * {@code mock}, picked up by the board bundle) and {@link LineSimulator} (for {@code gpio:set}/{@code gpio:pulse}).
 * Registered by hand because DS can only register the component object itself, and the MockBoard is a plain-Java
 * class usable without OSGi. A configuration change replaces the MockBoard (the board restarts on the new one).
 */
@Component(configurationPid = "kdrv.board.mock", configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = {})
@Designate(ocd = MockBoardConfig.class)
public final class MockBoardComponent {
    private ServiceRegistration<?> registration;

    @Activate
    void activate(BundleContext bc, MockBoardConfig config) {
        MockBoard mock = new MockBoard(config.lines());
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(BoardPlatform.PLATFORM, Boards.MOCK);
        registration = bc.registerService(new String[] {MockBoard.class.getName(), BoardPlatform.class.getName(),
            LineSimulator.class.getName()}, mock, props);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyUnregistered) {
            // the framework did it while stopping the bundle
        }
    }
}
