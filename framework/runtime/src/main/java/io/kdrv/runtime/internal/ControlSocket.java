package io.kdrv.runtime.internal;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.DriverInfo;
import io.kdrv.kthread.Kthread;
import io.kdrv.runtime.cli.Protocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local control socket behind the {@code kdrv} CLI: a Unix domain socket (never TCP) whose file mode 0660 is
 * the access control. Path: framework property {@code kdrv.control.socket}, else {@code <kdrv.state.dir>/kdrv.sock};
 * without either (a plain Felix test run) no socket is opened. Kthread {@code kdrv-control} accepts; each connection
 * runs on its own kthread {@code kdrv-control/<n>}: {@code exec} runs one Gogo command line through the
 * CommandProcessor (every Gogo command is available), {@code events} follows Event Admin {@code kdrv/*} events,
 * {@code deploy} writes a file atomically into FileInstall's directory and waits for the outcome.
 */
@Component(immediate = true)
public final class ControlSocket {
    static final String SOCKET_PROPERTY = "kdrv.control.socket";
    static final Duration DEPLOY_WAIT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(ControlSocket.class);
    private static final Pattern COERCE = Pattern.compile("Cannot coerce ([^()]+)\\((.*)\\) to any of \\[(.*)\\]");

    private final CommandProcessor processor;
    private final DeviceManager devices;
    private final BundleContext ctx;
    private final Path socketPath;
    private final ServerSocketChannel server;
    private final Kthread acceptor;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private int connectionCount; // acceptor thread only

    @Activate
    public ControlSocket(@Reference CommandProcessor processor, @Reference DeviceManager devices, BundleContext ctx)
            throws IOException {
        this.processor = processor;
        this.devices = devices;
        this.ctx = ctx;
        this.socketPath = socketPath(ctx);
        if (socketPath == null) {
            server = null;
            acceptor = null;
            return;
        }
        Files.createDirectories(socketPath.getParent());
        Files.deleteIfExists(socketPath); // a stale socket of ours: the state lock says no other kdrv runs here
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-rw----"));
        setGroupIfPresent(socketPath, "kdrv");
        acceptor = Kthread.create(this::accept, server, "kdrv-control");
        acceptor.owner("bundle " + ctx.getBundle().getSymbolicName());
        acceptor.wakeUp();
        LOG.info("control socket {} (mode 0660)", socketPath);
    }

    static Path socketPath(BundleContext ctx) {
        String p = ctx.getProperty(SOCKET_PROPERTY);
        if (p != null && !p.isBlank()) {
            return Path.of(p).toAbsolutePath();
        }
        String state = ctx.getProperty("kdrv.state.dir");
        return state == null || state.isBlank() ? null : Path.of(state, "kdrv.sock");
    }

    private static void setGroupIfPresent(Path p, String group) {
        try {
            GroupPrincipal g = p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(g);
        } catch (IOException | UnsupportedOperationException noSuchGroupOrNotAMember) {
            // the socket keeps the process's group (the kdrv user's own group under systemd)
        }
    }

    @Deactivate
    void deactivate() throws IOException {
        if (server == null) {
            return;
        }
        server.close(); // unblocks accept
        for (Connection c : connections) {
            c.close();
        }
        acceptor.stop();
        for (Connection c : connections) {
            c.thread.stop();
        }
        Files.deleteIfExists(socketPath);
    }

    private int accept(ServerSocketChannel srv) {
        while (!Kthread.shouldStop()) {
            SocketChannel ch;
            try {
                ch = srv.accept();
            } catch (IOException closed) {
                return 0; // deactivate closed the server
            }
            Connection c = new Connection(ch);
            connections.add(c);
            c.thread = Kthread.create(x -> c.serve(), c, "kdrv-control/%d", ++connectionCount);
            c.thread.owner("bundle " + ctx.getBundle().getSymbolicName());
            c.thread.wakeUp();
        }
        return 0;
    }

    /** One client connection; its kthread reads the request and writes the response. */
    private final class Connection {
        final SocketChannel channel;
        final OutputStream out;
        volatile Kthread thread;

        Connection(SocketChannel channel) {
            this.channel = channel;
            this.out = Channels.newOutputStream(channel);
        }

        void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }

        int serve() {
            try (channel) {
                InputStream in = Channels.newInputStream(channel);
                String line = readLine(in);
                if (line == null) {
                    return 0;
                }
                List<String> req = Protocol.decode(line);
                int code = switch (req.get(0)) {
                    case Protocol.EXEC -> exec(String.join(" ", quoteAll(req.subList(1, req.size()))));
                    case Protocol.EVENTS -> follow(in);
                    case Protocol.DEPLOY -> deploy(req, in);
                    default -> {
                        err("kdrv: unknown request " + req.get(0));
                        yield 2;
                    }
                };
                send("x " + code);
            } catch (IOException clientGone) {
                // the client disconnected: nothing to answer
            } finally {
                connections.remove(this);
            }
            return 0;
        }

        private int exec(String commandLine) throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
            CommandSession session = processor.createSession(InputStream.nullInputStream(), ps, ps);
            int code = 0;
            try {
                Object result = session.execute(commandLine);
                if (result != null) {
                    ps.println(session.format(result, Converter.INSPECT));
                }
            } catch (Exception e) {
                ps.flush();
                text(buf);
                err(oneLine(commandLine, e));
                return 1;
            } finally {
                session.close();
            }
            ps.flush();
            text(buf);
            return code;
        }

        private int follow(InputStream in) throws IOException {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(EventConstants.EVENT_TOPIC, "kdrv/*");
            ServiceRegistration<EventHandler> reg = ctx.registerService(EventHandler.class, event -> {
                try {
                    send("o " + EventFormat.line(event));
                } catch (IOException clientGone) {
                    close(); // the read below returns and unregisters
                }
            }, props);
            try {
                while (in.read() >= 0) {
                    // the client sends nothing while following; EOF (or close) ends the follow
                }
            } catch (IOException closed) {
                // client gone or deactivate
            } finally {
                reg.unregister();
            }
            return 0;
        }

        private int deploy(List<String> req, InputStream in) throws IOException {
            String name = Path.of(req.get(1)).getFileName().toString();
            long size = Long.parseLong(req.get(2));
            String dir = ctx.getProperty("felix.fileinstall.dir");
            if (dir == null) {
                err("kdrv deploy: no deploy directory (felix.fileinstall.dir is not set)");
                return 1;
            }
            Path target = Path.of(dir).toAbsolutePath().resolve(name);
            Path tmp = target.resolveSibling("." + name + ".part"); // FileInstall ignores dot files
            try (OutputStream f = Files.newOutputStream(tmp)) {
                byte[] b = new byte[8192];
                long left = size;
                while (left > 0) {
                    int n = in.read(b, 0, (int) Math.min(b.length, left));
                    if (n < 0) {
                        throw new IOException("client closed after " + (size - left) + " of " + size + " bytes");
                    }
                    f.write(b, 0, n);
                    left -= n;
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            send("o deployed " + target);
            return name.endsWith(".jar") ? awaitBundle(target) : name.endsWith(".config") ? awaitNode(name) : 0;
        }

        /** FileInstall installs file:<path>; then the bundle's drivers probe their devices. */
        private int awaitBundle(Path file) throws IOException {
            long start = System.nanoTime(), end = start + DEPLOY_WAIT.toNanos();
            Bundle bundle = null;
            while (System.nanoTime() < end && !Kthread.shouldStop()) {
                bundle = findBundle(file);
                if (bundle != null && bundle.getState() == Bundle.ACTIVE) {
                    // SCR registers the bundle's drivers after it started, the core picks them up on its probe
                    // kthread: settled when every Driver service of the bundle is known to the core and it is idle,
                    // or, for a bundle without drivers, after a 2 s grace.
                    int services = driverServices(bundle);
                    int known = driversOf(bundle.getSymbolicName()).size();
                    boolean graceOver = System.nanoTime() - start > 2_000_000_000L;
                    if ((services > 0 ? known >= services : graceOver) && idle(Duration.ofMillis(500))) {
                        break;
                    }
                }
                sleepBriefly();
            }
            if (bundle == null || bundle.getState() != Bundle.ACTIVE) {
                err("kdrv deploy: " + file.getFileName() + (bundle == null ? " was not installed"
                        : " is " + state(bundle)) + " after " + DEPLOY_WAIT.toSeconds()
                        + " s (see the service log: journalctl -u kdrv)");
                return 1;
            }
            String bsn = bundle.getSymbolicName();
            List<DriverInfo> drivers = driversOf(bsn);
            send("o bundle " + bsn + " " + bundle.getVersion() + " active, " + drivers.size() + " driver(s)");
            int code = 0;
            for (DriverInfo d : drivers) {
                for (DeviceInfo dev : devices.devices()) {
                    if (d.id().equals(dev.driver()) || dev.compatible().stream().anyMatch(d.compatible()::contains)) {
                        send("o   device " + dev.name() + ": " + dev.state().name().toLowerCase()
                                + (dev.reason() == null ? "" : " (" + dev.reason() + ")"));
                        if (dev.state() == DeviceState.FAILED) {
                            code = 1;
                        }
                    }
                }
            }
            return code;
        }

        private int awaitNode(String fileName) throws IOException {
            // kdrv.device-<name>.config: the node's name is after the factory PID
            String node = fileName.substring(0, fileName.length() - ".config".length());
            node = node.contains("-") ? node.substring(node.indexOf('-') + 1) : node;
            long end = System.nanoTime() + DEPLOY_WAIT.toNanos();
            while (System.nanoTime() < end && !Kthread.shouldStop()) {
                var d = devices.device(node);
                if (d.isPresent() && d.get().state() != DeviceState.PROBING && idle(Duration.ofMillis(500))) {
                    DeviceInfo dev = devices.device(node).orElse(d.get());
                    send("o device " + dev.name() + ": " + dev.state().name().toLowerCase()
                            + (dev.driver() == null ? "" : " driver " + dev.driver())
                            + (dev.reason() == null ? "" : " (" + dev.reason() + ")"));
                    return dev.state() == DeviceState.FAILED ? 1 : 0;
                }
                sleepBriefly();
            }
            err("kdrv deploy: device " + node + " did not appear within " + DEPLOY_WAIT.toSeconds() + " s");
            return 1;
        }

        private boolean idle(Duration d) {
            try {
                return devices.awaitIdle(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** The request line, byte by byte: the deploy payload follows it on the same stream. */
        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c; (c = in.read()) >= 0; ) {
                if (c == '\n') {
                    return b.toString(StandardCharsets.UTF_8);
                }
                if (b.size() > 65_536) {
                    throw new IOException("request line too long");
                }
                b.write(c);
            }
            return null;
        }

        private void text(ByteArrayOutputStream buf) throws IOException {
            String s = buf.toString(StandardCharsets.UTF_8).stripTrailing();
            if (s.isEmpty()) {
                return;
            }
            for (String l : s.split("\n", -1)) {
                send("o " + l);
            }
        }

        private void err(String s) throws IOException {
            send("e " + s);
        }

        private synchronized void send(String line) throws IOException {
            out.write((line.replace("\n", " ") + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private List<DriverInfo> driversOf(String bsn) {
        return devices.drivers().stream()
                .filter(d -> bsn.equals(d.bundle()) || d.id().startsWith(bsn + "/"))
                .toList();
    }

    private static int driverServices(Bundle b) {
        var refs = b.getRegisteredServices();
        int n = 0;
        for (var ref : refs == null ? new org.osgi.framework.ServiceReference<?>[0] : refs) {
            if (java.util.Arrays.asList((String[]) ref.getProperty("objectClass")).contains(
                    io.kdrv.driver.Driver.class.getName())) {
                n++;
            }
        }
        return n;
    }

    /** FileInstall's location for a file is its file: URI (File.toURI style, file:/path); compare as paths. */
    private Bundle findBundle(Path file) {
        for (Bundle b : ctx.getBundles()) {
            String loc = b.getLocation();
            try {
                if (loc.startsWith("file:") && Path.of(java.net.URI.create(loc)).equals(file)) {
                    return b;
                }
            } catch (IllegalArgumentException notAFileUri) {
                // e.g. a location with spaces not escaped: not ours
            }
        }
        return null;
    }

    private static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.INSTALLED -> "installed but not resolved";
            case Bundle.RESOLVED -> "resolved but not started";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            default -> "state " + b.getState();
        };
    }

    /** A 100 ms pause between bounded polls of bundle and device state (the deploy wait only). */
    private static void sleepBriefly() {
        java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
    }

    /** Gogo's own messages for the common mistakes, as one line naming the command. */
    static String oneLine(String commandLine, Exception e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        Matcher m = COERCE.matcher(msg);
        if (m.find()) {
            String args = m.group(2).isBlank() ? "no arguments" : "arguments (" + m.group(2) + ")";
            return "kdrv: " + m.group(1) + ": wrong arguments: got " + args + ", expected one of " + m.group(3)
                    + " (kdrv help " + m.group(1) + ")";
        }
        if (msg.startsWith("Command not found:")) {
            return "kdrv: no such command: " + msg.substring("Command not found:".length()).strip()
                    + " (kdrv help lists them)";
        }
        return "kdrv: " + commandLine.split(" ")[0] + ": " + msg;
    }

    /** Arguments as Gogo literals: anything but plain words is single-quoted so Gogo does not expand it. */
    static List<String> quoteAll(List<String> args) {
        List<String> r = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            boolean plain = a.matches("[A-Za-z0-9_.:/=,+@%-]+");
            r.add(i == 0 || plain ? a : "'" + a.replace("\\", "\\\\").replace("'", "\\'") + "'");
        }
        return r;
    }

    /** Event lines: {@code <topic> {key=value, ...}} without the topic and timestamp keys. */
    static final class EventFormat {
        private EventFormat() {
        }

        static String line(Event event) {
            Map<String, Object> props = new TreeMap<>();
            for (String key : event.getPropertyNames()) {
                if (!key.equals(EventConstants.EVENT_TOPIC) && !key.startsWith("timestamp")) {
                    props.put(key, event.getProperty(key));
                }
            }
            return String.format("%-20s %s", event.getTopic(), props);
        }
    }
}
