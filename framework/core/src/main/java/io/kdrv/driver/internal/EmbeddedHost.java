package io.kdrv.driver.internal;

import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DriverInfo;
import io.kdrv.driver.Driver;
import io.kdrv.driver.host.DriverHost;
import io.kdrv.driver.host.HostConfig;
import io.kdrv.driver.spi.Board;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link DriverHost} over a {@link DriverCore}: the only public class of this package meant for other bundles. */
public final class EmbeddedHost implements DriverHost {
    /** {@link NodeParser} problems read "key 'k': text". */
    private static final Pattern PROBLEM = Pattern.compile("key '([^']*)': (.*)", Pattern.DOTALL);

    private final DriverCore core;

    private EmbeddedHost(DriverCore core) {
        this.core = core;
    }

    /** See {@link DriverHost#start}. */
    public static DriverHost start(HostConfig c) {
        return new EmbeddedHost(new DriverCore(c));
    }

    @Override
    public List<DeviceConfigException> putNode(String source, Map<String, ?> node) {
        List<String> problems = core.nodeUpdated(source, node);
        if (problems.isEmpty()) {
            return List.of();
        }
        String device = node.get(NodeParser.KEY_NAME) instanceof String s && NodeParser.NAME.matcher(s).matches()
                ? s : source;
        List<DeviceConfigException> out = new ArrayList<>(problems.size());
        for (String p : problems) {
            Matcher m = PROBLEM.matcher(p);
            out.add(m.matches() ? new DeviceConfigException(device, m.group(1), m.group(2))
                    : new DeviceConfigException(device, "?", p));
        }
        return out;
    }

    @Override
    public void deleteNode(String source) {
        core.nodeDeleted(source);
    }

    @Override
    public void addDriver(String id, Driver driver, List<String> compatible, int ranking, long order, String origin) {
        core.addDriver(new DriverEntry(id, driver, compatible, ranking, order, origin));
    }

    @Override
    public boolean removeDriver(String id) {
        return core.removeDriver(id);
    }

    @Override
    public void setBoard(Board board) {
        core.setBoard(board);
    }

    @Override
    public void unsetBoard(Board board) {
        core.unsetBoard(board);
    }

    @Override
    public List<DeviceInfo> devices() {
        return core.devices();
    }

    @Override
    public Optional<DeviceInfo> device(String name) {
        return core.device(name);
    }

    @Override
    public Optional<io.kdrv.driver.SensorInfo> sensor(String device) {
        return core.sensor(device);
    }

    @Override
    public List<DriverInfo> drivers() {
        return core.drivers();
    }

    @Override
    public List<DeviceInfo> deferred() {
        return core.deferred();
    }

    @Override
    public DeviceInfo bind(String device, String driverId) {
        return core.bind(device, driverId);
    }

    @Override
    public DeviceInfo unbind(String device) {
        return core.unbind(device);
    }

    @Override
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return core.awaitIdle(timeout);
    }

    @Override
    public void close() {
        core.close();
    }
}
