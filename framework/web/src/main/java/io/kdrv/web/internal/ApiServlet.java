package io.kdrv.web.internal;

import io.kdrv.board.I2cInfo;
import io.kdrv.board.KdrvBoard;
import io.kdrv.board.LineInfo;
import io.kdrv.board.LineSimulator;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.DriverInfo;
import io.kdrv.kthread.KthreadInfo;
import io.kdrv.kthread.Kthreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API under {@code /kdrv/api/} (HTTP Whiteboard servlet): JSON views of the device model, kthreads, GPIO
 * lines and readings, a Server-Sent Events stream of Event Admin events, and the state-changing POSTs (bind,
 * unbind, simulate a line, deploy, undeploy). Every error is {@code {"error": "..."}} with a 4xx status naming
 * what is wrong. Access control is {@link AccessFilter}'s, before this servlet.
 *
 * <p>Thread-safe: requests run on Jetty's threads; the services are final or volatile. Bind and unbind block
 * (bounded by the driver manager); an event stream occupies its request thread until the client goes away.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/kdrv/api/*",
        "osgi.http.whiteboard.servlet.name=kdrv-api",
        "osgi.http.whiteboard.servlet.asyncSupported=false"})
public final class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);
    private static final int JSON_BODY_MAX = 64 * 1024;
    private static final long KEEPALIVE_MS = 15_000;

    private final transient DeviceManager manager;
    private final transient WebSettings settings;
    private final transient EventHub hub;
    private final transient BundleContext ctx;
    private final transient Deployer deployer;
    private volatile transient KdrvBoard board;
    private volatile transient LineSimulator simulator;
    private volatile boolean stopping;

    @Activate
    public ApiServlet(@Reference DeviceManager manager, @Reference WebSettings settings, @Reference EventHub hub,
            BundleContext ctx) {
        this.manager = manager;
        this.settings = settings;
        this.hub = hub;
        this.ctx = ctx;
        this.deployer = new Deployer(ctx, settings);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setBoard(KdrvBoard b) {
        board = b;
    }

    void unsetBoard(KdrvBoard b) {
        if (board == b) {
            board = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setSimulator(LineSimulator s) {
        simulator = s;
    }

    void unsetSimulator(LineSimulator s) {
        if (simulator == s) {
            simulator = null;
        }
    }

    @Deactivate
    void deactivate() {
        stopping = true;
        hub.closeAll(); // the whiteboard may wait for in-flight requests: streams must not hold it up
    }

    // ------------------------------------------------------------------------------------------- dispatch

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        String[] seg = path.replaceAll("^/+|/+$", "").split("/");
        String method = req.getMethod();
        try {
            Object result = route(method, seg, req, resp);
            if (result != null) {
                sendJson(resp, 200, result);
            }
        } catch (ApiException e) {
            sendError(resp, e.status(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("kdrv web: {} {} failed", method, req.getRequestURI(), e);
            sendError(resp, 500, "internal error: " + e);
        }
    }

    private Object route(String method, String[] s, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        String first = s.length == 0 ? "" : s[0];
        boolean get = method.equals("GET") || method.equals("HEAD");
        boolean post = method.equals("POST");
        switch (first) {
            case "overview" -> {
                requireMethod(get && s.length == 1, method, req);
                return overview();
            }
            case "devices" -> {
                if (s.length == 1) {
                    requireMethod(get, method, req);
                    return Map.of("devices", manager.devices().stream().map(ApiServlet::device).toList());
                }
                String name = s[1];
                if (s.length == 2) {
                    requireMethod(get, method, req);
                    return device(existing(name));
                }
                if (s.length == 3 && s[2].equals("bind")) {
                    requireMethod(post, method, req);
                    return bind(name, jsonBody(req));
                }
                if (s.length == 3 && s[2].equals("unbind")) {
                    requireMethod(post, method, req);
                    jsonBody(req);
                    existing(name);
                    return device(manager.unbind(name));
                }
            }
            case "drivers" -> {
                requireMethod(get && s.length == 1, method, req);
                return Map.of("drivers", manager.drivers().stream().map(ApiServlet::driver).toList());
            }
            case "deferred" -> {
                requireMethod(get && s.length == 1, method, req);
                return Map.of("deferred", manager.deferred().stream().map(ApiServlet::device).toList());
            }
            case "kthreads" -> {
                requireMethod(get && s.length == 1, method, req);
                return Map.of("kthreads", Kthreads.list().stream().map(ApiServlet::kthread).toList());
            }
            case "gpio" -> {
                if (s.length == 1) {
                    requireMethod(get, method, req);
                    return gpio();
                }
                if (s.length == 3 && s[2].equals("simulate")) {
                    requireMethod(post, method, req);
                    return simulate(s[1], jsonBody(req));
                }
            }
            case "readings" -> {
                if (s.length == 1) {
                    requireMethod(get, method, req);
                    return readings();
                }
                if (s.length == 2 && s[1].equals("history")) {
                    requireMethod(get, method, req);
                    long since = longParam(req, "since", 0);
                    return Json.obj("now", System.currentTimeMillis(), "windowMs", EventHub.HISTORY_MS,
                            "devices", hub.history(req.getParameter("device"), since));
                }
            }
            case "events" -> {
                if (s.length == 1) {
                    requireMethod(get, method, req);
                    stream(req, resp);
                    return null;
                }
                if (s.length == 2 && s[1].equals("recent")) {
                    requireMethod(get, method, req);
                    int max = (int) Math.min(EventHub.RECENT_MAX, longParam(req, "max", 100));
                    return Map.of("events", hub.recent(TopicFilter.parse(req.getParameter("topic")), max));
                }
            }
            case "deploy" -> {
                if (s.length == 1 && get) {
                    return Json.obj("directory", deployer.deployDir().toString(), "bundles", deployer.list());
                }
                if (s.length == 1) {
                    requireMethod(post, method, req);
                    return deploy(req, resp);
                }
                if (s.length == 2 && method.equals("DELETE")) {
                    return deployer.undeploy(s[1]);
                }
            }
            case "undeploy" -> {
                requireMethod(post && s.length == 1, method, req);
                Object bsn = jsonBody(req).get("bundle");
                if (!(bsn instanceof String b)) {
                    throw new ApiException(400, "missing \"bundle\": the symbolic name of the deployed bundle");
                }
                return deployer.undeploy(b);
            }
            default -> {
            }
        }
        throw new ApiException(404, "no such endpoint: " + method + " " + req.getRequestURI());
    }

    private static void requireMethod(boolean ok, String method, HttpServletRequest req) {
        if (!ok) {
            throw new ApiException(405, "method " + method + " not allowed on " + req.getRequestURI());
        }
    }

    private static long longParam(HttpServletRequest req, String name, long dflt) {
        String v = req.getParameter(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ApiException(400, "parameter " + name + "='" + v + "' is not a number");
        }
    }

    /** The JSON object body of a POST: empty when there is none; 415 for another content type, 400 when malformed. */
    private static Map<String, Object> jsonBody(HttpServletRequest req) throws IOException {
        String type = req.getContentType();
        boolean json = type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json");
        if (type != null && !json && req.getContentLengthLong() != 0) {
            throw new ApiException(415, "request body must be application/json, not " + type);
        }
        byte[] raw = readBody(req.getInputStream(), JSON_BODY_MAX);
        if (raw.length == 0) {
            return Map.of();
        }
        if (!json) {
            throw new ApiException(415, "request body must be application/json, not " + type);
        }
        Object v;
        try {
            v = Json.parse(new String(raw, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new ApiException(400, "request body must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> obj = (Map<String, Object>) m;
        return obj;
    }

    private static byte[] readBody(InputStream in, int max) throws IOException {
        byte[] raw = in.readNBytes(max + 1);
        if (raw.length > max) {
            throw new ApiException(413, "JSON body larger than " + max + " bytes");
        }
        return raw;
    }

    // ------------------------------------------------------------------------------------------- views

    private DeviceInfo existing(String name) {
        return manager.device(name).orElseThrow(() -> new ApiException(404, "unknown device '" + name + "'"));
    }

    static Map<String, Object> device(DeviceInfo d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("compatible", d.compatible());
        m.put("state", d.state().name());
        m.put("driver", d.driver());
        m.put("reason", d.reason());
        m.put("probes", d.probes());
        m.put("removes", d.removes());
        m.put("properties", d.properties());
        return m;
    }

    static Map<String, Object> driver(DriverInfo d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("compatible", d.compatible());
        m.put("bundle", d.bundle());
        m.put("devices", d.devices());
        return m;
    }

    static Map<String, Object> kthread(KthreadInfo k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", k.name());
        m.put("state", k.state().name());
        m.put("cpus", cpuList(k.cpuMask()));
        m.put("owner", k.owner());
        m.put("wakeups", k.wakeups());
        m.put("cpuTimeMs", k.cpuTimeNanos() < 0 ? null : k.cpuTimeNanos() / 1_000_000.0);
        m.put("tid", k.tid());
        return m;
    }

    private static String cpuList(BitSet mask) {
        if (mask.isEmpty()) {
            return "all";
        }
        List<String> parts = new ArrayList<>();
        for (int i = mask.nextSetBit(0); i >= 0; i = mask.nextSetBit(i + 1)) {
            int end = mask.nextClearBit(i) - 1;
            parts.add(end > i ? i + "-" + end : Integer.toString(i));
            i = end;
        }
        return String.join(",", parts);
    }

    private Map<String, Object> overview() {
        Map<String, Object> m = new LinkedHashMap<>();
        KdrvBoard b = board;
        String platform = b == null ? null : b.boardPlatform().name();
        m.put("platform", platform);
        m.put("boardModel", boardModel(platform));
        m.put("uptimeMs", ManagementFactory.getRuntimeMXBean().getUptime());
        Bundle core = FrameworkUtil.getBundle(DeviceManager.class);
        m.put("kdrvVersion", core == null ? null : core.getVersion().toString());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("framework", ctx.getBundle(0).getSymbolicName() + " " + ctx.getBundle(0).getVersion());
        List<DeviceInfo> devices = manager.devices();
        Map<String, Long> states = new LinkedHashMap<>();
        for (DeviceInfo d : devices) {
            states.merge(d.state().name(), 1L, Long::sum);
        }
        m.put("devices", devices.size());
        m.put("deviceStates", states);
        m.put("drivers", manager.drivers().size());
        m.put("kthreads", Kthreads.liveCount());
        m.put("endpoints", endpoints());
        m.put("simulated", simulator != null);
        return m;
    }

    private static String boardModel(String platform) {
        Path model = Path.of("/proc/device-tree/model");
        if (!"mock".equals(platform) && Files.isReadable(model)) {
            try {
                return Files.readString(model, StandardCharsets.UTF_8).replace("\0", "").trim();
            } catch (IOException e) {
                return "unknown (" + e.getMessage() + ")";
            }
        }
        return platform == null ? "no board" : "mock".equals(platform) ? "simulated board (mock)" : platform;
    }

    private List<String> endpoints() {
        List<String> out = new ArrayList<>();
        try {
            ServiceReference<?>[] refs = ctx.getServiceReferences("org.osgi.service.http.runtime.HttpServiceRuntime",
                    null);
            if (refs != null) {
                for (ServiceReference<?> r : refs) {
                    Object ep = r.getProperty("osgi.http.endpoint");
                    if (ep instanceof String[] a) {
                        out.addAll(List.of(a));
                    } else if (ep instanceof java.util.Collection<?> c) {
                        c.forEach(x -> out.add(String.valueOf(x)));
                    } else if (ep != null) {
                        out.add(ep.toString());
                    }
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private Object bind(String name, Map<String, Object> body) {
        DeviceInfo d = existing(name);
        Object drv = body.get("driver");
        if (drv != null && !(drv instanceof String)) {
            throw new ApiException(400, "\"driver\" must be a string (a driver id from /kdrv/api/drivers)");
        }
        String driverId = (String) drv;
        if (driverId != null && manager.drivers().stream().noneMatch(x -> x.id().equals(driverId))) {
            throw new ApiException(404, "unknown driver '" + driverId + "'");
        }
        if (d.state() == io.kdrv.driver.DeviceState.BOUND) {
            throw new ApiException(409, "device " + name + " is already bound to " + d.driver() + ": unbind first");
        }
        try {
            return device(manager.bind(name, driverId));
        } catch (IllegalArgumentException e) {
            // the device exists and so does the driver: what is left is "does not match"
            throw new ApiException(409, e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    private Map<String, Object> gpio() {
        Map<String, Object> m = new LinkedHashMap<>();
        KdrvBoard b = board;
        m.put("platform", b == null ? null : b.boardPlatform().name());
        m.put("lineCount", b == null ? 0 : b.boardPlatform().lineCount());
        m.put("simulated", simulator != null);
        m.put("latencyBoundsUs", EventHub.LATENCY_BOUNDS_US);
        List<Object> lines = new ArrayList<>();
        if (b != null) {
            for (LineInfo l : b.lines()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("line", l.line());
                x.put("direction", l.direction());
                x.put("owner", l.owner());
                x.put("level", l.level());
                x.put("irqThread", l.irqThread());
                x.put("edges", l.edges());
                x.put("handled", l.handled());
                x.put("overflows", l.overflows());
                x.put("lost", l.lost());
                x.put("debounced", l.debounced());
                x.put("latency", hub.latency(l.line()));
                x.put("label", l.label()); // "expander0:3" for a line of a driver's GPIO controller
                lines.add(x);
            }
        }
        m.put("lines", lines);
        List<Object> i2c = new ArrayList<>();
        if (b != null) {
            for (I2cInfo d : b.i2cDevices()) {
                i2c.add(Json.obj("bus", d.bus(), "address", String.format("0x%02x", d.address()), "owner", d.owner()));
            }
        }
        m.put("i2c", i2c);
        return m;
    }

    private Object simulate(String lineText, Map<String, Object> body) {
        LineSimulator sim = simulator;
        if (sim == null) {
            throw new ApiException(409, "no line simulator: this board is not simulated (kdrv.board.platform=mock)");
        }
        int line;
        try {
            line = Integer.parseInt(lineText);
        } catch (NumberFormatException e) {
            throw new ApiException(400, "GPIO line '" + lineText + "' is not a number");
        }
        Object level = body.get("level");
        Object pulse = body.get("pulse-ms");
        try {
            if (pulse instanceof Number p) {
                sim.pulse(line, Duration.ofMillis(Math.max(0, Math.min(10_000, p.longValue()))));
            } else if (level instanceof Number || level instanceof Boolean) {
                boolean high = level instanceof Boolean bl ? bl : ((Number) level).intValue() != 0;
                sim.setInput(line, high);
            } else {
                throw new ApiException(400, "body needs \"level\" (0/1) or \"pulse-ms\" (number)");
            }
        } catch (IllegalArgumentException e) {
            throw new ApiException(409, "GPIO line " + line + ": " + e.getMessage());
        }
        return Json.obj("line", line, "ok", true);
    }

    private Object readings() {
        List<Object> out = new ArrayList<>();
        for (EventHub.Reading r : hub.latest().values()) {
            Map<String, Object> values = new LinkedHashMap<>();
            r.values().forEach((k, v) -> values.put(k, Json.obj("value", v, "unit", hub.unit(r.device(), k))));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("device", r.device());
            m.put("topic", r.topic());
            m.put("time", r.time());
            m.put("values", values);
            out.add(m);
        }
        return Map.of("readings", out);
    }

    private Object deploy(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String type = req.getContentType() == null ? "" : req.getContentType().toLowerCase(java.util.Locale.ROOT);
        if (!(type.startsWith("application/java-archive") || type.startsWith("application/x-java-archive")
                || type.startsWith("application/octet-stream") || type.startsWith("application/zip"))) {
            throw new ApiException(415, "upload the bundle jar as the body with Content-Type application/java-archive"
                    + " (or application/octet-stream), not " + (type.isEmpty() ? "none" : type));
        }
        long max = settings.uploadMaxBytes();
        long declared = req.getContentLengthLong();
        if (declared > max) {
            throw new ApiException(413, "upload of " + declared + " bytes larger than " + max
                    + " bytes (kdrv.web upload.max.bytes)");
        }
        Map<String, Object> result = deployer.deploy(req.getInputStream(), max);
        LOG.info("kdrv web: deployed {} {} to {}", result.get("bundle"), result.get("version"), result.get("file"));
        sendJson(resp, 202, result);
        return null;
    }

    // ------------------------------------------------------------------------------------------- event stream

    private void stream(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        TopicFilter filter = TopicFilter.parse(req.getParameter("topic"));
        int backlog = (int) Math.min(EventHub.RECENT_MAX, longParam(req, "backlog", 0));
        EventStream es = new EventStream(filter);
        if (!hub.subscribe(es, settings.sseMaxClients())) {
            throw new ApiException(503, "too many event stream clients (kdrv.web sse.max.clients="
                    + settings.sseMaxClients() + ")");
        }
        try {
            resp.setStatus(200);
            resp.setContentType("text/event-stream;charset=utf-8");
            resp.setHeader("Cache-Control", "no-store");
            PrintWriter w = resp.getWriter();
            w.write("retry: 2000\n\n");
            for (Map<String, Object> e : hub.recent(filter, backlog)) {
                w.write("id: " + e.get("id") + "\ndata: " + Json.write(e) + "\n\n");
            }
            w.flush();
            long reportedDrops = 0;
            while (!stopping && !w.checkError()) {
                Map<String, Object> e = es.pollInterruptibly(KEEPALIVE_MS);
                if (e == null) {
                    break;
                }
                if (e.containsKey("keepalive")) {
                    w.write(": keep-alive\n\n");
                } else {
                    w.write("id: " + e.get("id") + "\ndata: " + Json.write(e) + "\n\n");
                }
                long drops = es.dropped();
                if (drops != reportedDrops) {
                    w.write("event: dropped\ndata: " + drops + "\n\n");
                    reportedDrops = drops;
                }
                w.flush(); // checkError() turns true once the client is gone
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            hub.unsubscribe(es);
        }
    }

    // ------------------------------------------------------------------------------------------- output

    static void sendJson(HttpServletResponse resp, int status, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json;charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        byte[] out = Json.write(body).getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(out.length);
        resp.getOutputStream().write(out);
    }

    static void sendError(HttpServletResponse resp, int status, String message) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.resetBuffer(); // keeps the security headers set by AccessFilter
        sendJson(resp, status, Map.of("error", message));
    }
}
