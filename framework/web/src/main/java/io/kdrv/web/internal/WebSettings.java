package io.kdrv.web.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's settings (PID {@value WebConfig#PID}) and its access token: the configured one, else the one
 * stored in {@code <kdrv.state.dir>/web/access-token} (or the bundle's data area without a state directory), else
 * a new random token, stored there with mode 0600 and logged once.
 *
 * <p>Thread-safe: the fields are replaced as a whole on a configuration change.
 */
@Component(service = WebSettings.class, configurationPid = WebConfig.PID)
@Designate(ocd = WebConfig.class)
public final class WebSettings {
    private static final Logger LOG = LoggerFactory.getLogger(WebSettings.class);
    /** Framework property naming the runtime's state directory (it survives restarts; the bundle cache may not). */
    static final String STATE_DIR = "kdrv.state.dir";

    private final BundleContext ctx;
    private volatile String token;
    private volatile long uploadMaxBytes;
    private volatile int sseMaxClients;
    private volatile String deployDir;
    private volatile Path tokenFile;

    @Activate
    public WebSettings(BundleContext ctx, WebConfig config) throws IOException {
        this.ctx = ctx;
        modified(config);
    }

    @Modified
    void modified(WebConfig config) throws IOException {
        uploadMaxBytes = config.upload_max_bytes();
        sseMaxClients = config.sse_max_clients();
        String dir = config.deploy_dir() == null ? "" : config.deploy_dir().trim();
        deployDir = dir.isEmpty() ? ctx.getProperty("felix.fileinstall.dir") : dir;
        String configured = config.token() == null ? "" : config.token().trim();
        if (!configured.isEmpty()) {
            token = configured;
            tokenFile = null;
            return;
        }
        Path file = tokenFilePath();
        token = loadOrCreate(file);
        tokenFile = file;
    }

    private Path tokenFilePath() {
        String state = ctx.getProperty(STATE_DIR);
        if (state != null && !state.isBlank()) {
            return Path.of(state, "web", "access-token");
        }
        return ctx.getDataFile("access-token").toPath();
    }

    static String loadOrCreate(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            String t = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!t.isEmpty()) {
                return t;
            }
        }
        byte[] raw = new byte[24];
        new SecureRandom().nextBytes(raw);
        String t = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        try {
            // created 0600 from the start: the token is never readable by others, not even for a moment
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        } catch (FileAlreadyExistsException raced) {
            throw new IOException("cannot create " + tmp + ": exists", raced);
        }
        Files.writeString(tmp, t + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        LOG.info("kdrv web: generated access token {} (stored in {}, mode 0600); requests from other hosts send it "
                + "as header {}", t, file, AccessPolicy.TOKEN_HEADER);
        return t;
    }

    /** @return the access token (never empty) */
    String token() {
        return token;
    }

    /** @return where the generated token is stored, null when it is configured */
    Path tokenFile() {
        return tokenFile;
    }

    long uploadMaxBytes() {
        return uploadMaxBytes;
    }

    /** @return the deploy directory as configured (possibly relative, possibly a FileInstall list), or null */
    String deployDir() {
        return deployDir;
    }

    int sseMaxClients() {
        return sseMaxClients;
    }
}
