package io.kdrv.web.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: headless Chromium (Debian's chromium + chromium-driver) drives the mock-board
 * demo jar, started here like a user would with a free port and its own deploy directory. One demo and one
 * browser for all steps, in order: every device bound; unbind one; a simulated button press shows up as an event;
 * a sensor plot grows; a driver bundle uploaded through the page binds its device and is removed again.
 *
 * <p>Without Chromium the test is skipped, unless CI=true, where it fails: CI must run it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
final class ConsoleBrowserIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** The demo's board file (embedded in mock-board.jar): how many devices the console must show bound. */
    private static final Path DEMO_BOARD = Path.of(System.getProperty("kdrv.demo.board",
            "../../examples/boards/mock-board.json"));
    private static int demoDevices;
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static Process demo;
    private static OutputStream demoStdin;
    private static Path work;
    private static String base;
    private static WebDriver browser;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startDemoAndBrowser() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String msg = "no " + CHROMIUM + " / " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)";
            if ("true".equals(System.getenv("CI"))) {
                fail(msg + ": CI=true requires the browser tests");
            }
            org.junit.jupiter.api.Assumptions.abort(msg);
        }
        Path jar = Path.of(System.getProperty("kdrv.demo.jar", "../../examples/target/mock-board.jar"));
        if (!Files.isRegularFile(jar)) {
            fail("no demo jar " + jar.toAbsolutePath() + ": run ./mvnw -B verify first");
        }
        work = Files.createTempDirectory("kdrv-browser-");
        // the runtime keeps deploy/ in its state directory (created by the launcher)
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        base = "http://127.0.0.1:" + port + "/kdrv/";
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Dorg.osgi.service.http.port=" + port, "-Dkdrv.state.dir=" + work.resolve("state"), "-jar",
                jar.toAbsolutePath().toString()));
        demo = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("demo.log").toFile()).start();
        demoStdin = demo.getOutputStream(); // kept open: the demo's Gogo console stops the framework on EOF
        demoDevices = Pattern.compile("\"name\"\\s*:").matcher(Files.readString(DEMO_BOARD)).results()
                .mapToInt(r -> 1).sum();
        awaitApi("every demo device bound", "devices",
                body -> count(body, "\"state\":\"BOUND\"") >= demoDevices);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                "--user-data-dir=" + Files.createDirectories(work.resolve("chromium-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (demo != null) {
            demoStdin.close(); // Gogo sees EOF and stops the framework: every device removed
            if (!demo.waitFor(30, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
                demo.waitFor(10, TimeUnit.SECONDS);
            }
        }
        System.out.println("demo log: " + (work == null ? "-" : work.resolve("demo.log")));
    }

    // ------------------------------------------------------------------------------------------- helpers

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static String apiGet(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "api/" + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    /** Bounded polling of the REST API (the demo is another process: nothing to wait on but its answers). */
    private static void awaitApi(String what, String path, Function<String, Boolean> cond) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!demo.isAlive()) {
                fail("demo exited with " + demo.exitValue() + " waiting for " + what + "; log: "
                        + Files.readString(work.resolve("demo.log")));
            }
            try {
                last = apiGet(path);
                if (cond.apply(last)) {
                    return;
                }
            } catch (IOException notYetListening) {
                last = notYetListening.toString();
            }
            TimeUnit.MILLISECONDS.sleep(200); // polling interval of a bounded wait
        }
        fail("timed out waiting for " + what + "; last answer: " + last);
    }

    private static <T> T await(String what, Function<WebDriver, T> cond) {
        return new WebDriverWait(browser, WAIT).withMessage(what).ignoring(StaleElementReferenceException.class)
                .until(cond);
    }

    private static void open(String view) {
        browser.get(base + "#" + view);
        await("view " + view + " shown", d -> d.findElement(By.id("view-" + view)).isDisplayed());
    }

    private static void screenshot(String name) throws IOException {
        String dir = System.getProperty("kdrv.screenshot.dir");
        if (dir != null) {
            Path out = Files.createDirectories(Path.of(dir)).resolve(name + ".png");
            File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), out, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void click(By by) {
        await("click " + by, d -> {
            d.findElement(by).click();
            return true;
        });
    }

    // ------------------------------------------------------------------------------------------- steps

    @Test
    @Order(1)
    void overviewAndEveryDeviceBound() throws Exception {
        open("overview");
        await("platform shown", d -> d.findElement(By.id("ov-platform")).getText().equals("mock"));
        await(demoDevices + " bound",
                d -> d.findElement(By.id("ov-devices")).getText().contains("(" + demoDevices + " bound)"));
        screenshot("overview");
        open("devices");
        for (String dev : List.of("bme0", "buttons", "leds", "pir0")) {
            await(dev + " BOUND in the table",
                    d -> "BOUND".equals(d.findElement(By.id("dev-" + dev)).getAttribute("data-state")));
        }
    }

    @Test
    @Order(2)
    void unbindChangesTheState() throws Exception {
        open("devices");
        click(By.cssSelector("button.unbind[data-device='leds']"));
        await("leds UNBOUND", d -> "UNBOUND".equals(d.findElement(By.id("dev-leds")).getAttribute("data-state")));
        assertTrue(apiGet("devices/leds").contains("\"state\":\"UNBOUND\""));
        click(By.cssSelector("button.bind[data-device='leds']"));
        await("leds BOUND again", d -> "BOUND".equals(d.findElement(By.id("dev-leds")).getAttribute("data-state")));
    }

    @Test
    @Order(3)
    void pressingTheMockButtonShowsAnEvent() throws Exception {
        open("gpio");
        WebElement edges = await("line 17 card", d -> d.findElement(By.cssSelector("#line-17 .cnt-edges")));
        long before = Long.parseLong(edges.getText());
        click(By.cssSelector("button.pulse[data-line='17']"));
        await("line 17 counted the press", d -> Long.parseLong(
                d.findElement(By.cssSelector("#line-17 .cnt-edges")).getText()) >= before + 2);
        screenshot("gpio");
        // a line of the demo's MCP23017 is named as in the board file, not by its internal global number, and has
        // no simulate button (the simulator drives SoC lines)
        // one script per try: the page re-renders every card each second, faster than a walk over the cards
        // through WebDriver calls, so elements kept between calls go stale
        Object pulseButtons = await("the door's card names expander0:1", d -> ((JavascriptExecutor) d).executeScript(
                "for (const c of document.querySelectorAll('#gpio-lines .card')) {"
                        + " const h = c.querySelector('h2');"
                        + " if (h && h.textContent.includes('GPIO expander0:1 \u00b7 door'))"
                        + " return c.querySelectorAll('button.pulse').length; }"
                        + " return null;"));
        assertEquals(0L, pulseButtons, "simulate buttons on the expander line's card");
        open("events");
        WebElement filter = browser.findElement(By.id("event-filter"));
        filter.clear();
        filter.sendKeys("kdrv/input/*");
        await("a key event of buttons in the log", d -> d.findElements(By.cssSelector("#event-log li")).stream()
                .anyMatch(li -> "kdrv/input/KEY".equals(li.getAttribute("data-topic"))
                        && li.getText().contains("device=buttons")));
    }

    @Test
    @Order(4)
    void sensorPlotUpdates() throws Exception {
        open("sensors");
        WebElement plot = await("temperature plot", d -> d.findElement(By.id("plot-bme0-temperature")));
        int first = Integer.parseInt(await("plot has points", d -> {
            String p = d.findElement(By.id("plot-bme0-temperature")).getAttribute("data-points");
            return p != null && Integer.parseInt(p) > 0 ? p : null;
        }));
        await("plot grew past " + first + " points", d -> Integer.parseInt(
                d.findElement(By.id("plot-bme0-temperature")).getAttribute("data-points")) > first + 2);
        assertTrue(plot.getText().contains("°C"), plot.getText());
        Object painted = ((JavascriptExecutor) browser).executeScript(
                "const c=document.querySelector('#plot-bme0-temperature canvas');"
                        + "const d=c.getContext('2d').getImageData(0,0,c.width,c.height).data;"
                        + "let n=0;for(let i=0;i<d.length;i+=4){if(d[i+2]>200&&d[i]<80)n++;}return n;");
        assertTrue(((Number) painted).longValue() > 50, "the plot line is drawn (blue pixels: " + painted + ")");
        screenshot("sensors");
    }

    @Test
    @Order(5)
    void uploadedDriverBindsItsDeviceAndIsRemoved() throws Exception {
        Path driverJar = Path.of(System.getProperty("kdrv.upload.jar", "../itest-driver/target/x.jar"));
        if (!Files.isRegularFile(driverJar)) {
            fail("no driver jar to upload: " + driverJar.toAbsolutePath() + " (run ./mvnw -B verify first)");
        }
        // a device node for the driver, dropped like a user would (FileInstall config)
        Files.writeString(work.resolve("state/deploy/kdrv.device-upload0.config"),
                "name=\"upload0\"\ncompatible=[\"kdrv,test-driver\"]\n");
        awaitApi("node upload0 unbound", "devices/upload0", b -> b.contains("\"state\":\"UNBOUND\""));
        open("deploy");
        await("upload0 listed unbound",
                d -> "UNBOUND".equals(d.findElement(By.id("deploy-dev-upload0")).getAttribute("data-state")));
        browser.findElement(By.id("deploy-file")).sendKeys(driverJar.toRealPath().toString());
        click(By.id("deploy-button"));
        await("upload accepted", d -> d.findElement(By.id("deploy-result")).getText()
                .startsWith("deployed kdrv-itest-driver"));
        await("upload0 BOUND",
                d -> "BOUND".equals(d.findElement(By.id("deploy-dev-upload0")).getAttribute("data-state")));
        await("bundle ACTIVE", d -> d.findElement(By.cssSelector("tr[data-bundle='kdrv-itest-driver']")).getText()
                .contains("ACTIVE"));
        screenshot("deploy");
        click(By.cssSelector("tr[data-bundle='kdrv-itest-driver'] button.undeploy"));
        await("upload0 unbound after removal",
                d -> "UNBOUND".equals(d.findElement(By.id("deploy-dev-upload0")).getAttribute("data-state")));
        assertEquals(demoDevices, count(apiGet("devices"), "\"state\":\"BOUND\""),
                "the demo's devices still bound");
    }
}
