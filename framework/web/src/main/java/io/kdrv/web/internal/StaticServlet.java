package io.kdrv.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The console's pages: the files under {@code /static} in this bundle, served at {@code /kdrv/} (HTTP Whiteboard
 * servlet). {@code /kdrv} redirects to {@code /kdrv/}, which is {@code index.html}; only known file types are
 * served. Everything is in the bundle: no CDN, no build step. Thread-safe (stateless).
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/kdrv",
        "osgi.http.whiteboard.servlet.pattern=/kdrv/*",
        "osgi.http.whiteboard.servlet.name=kdrv-console"})
public final class StaticServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "js", "text/javascript;charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");
    private final transient BundleContext ctx;

    @Activate
    public StaticServlet(BundleContext ctx) {
        this.ctx = ctx;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo();
        if (path == null) {
            resp.sendRedirect("/kdrv/");
            return;
        }
        if (path.equals("/")) {
            path = "/index.html";
        }
        int dot = path.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(path.substring(dot + 1));
        URL url = path.contains("..") || type == null ? null : ctx.getBundle().getEntry("/static" + path);
        if (url == null) {
            ApiServlet.sendError(resp, 404, "no such page: " + req.getRequestURI());
            return;
        }
        resp.setContentType(type);
        resp.setHeader("Cache-Control", "no-cache");
        try (InputStream in = url.openStream()) {
            in.transferTo(resp.getOutputStream());
        }
    }
}
