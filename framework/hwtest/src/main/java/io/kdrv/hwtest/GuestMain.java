package io.kdrv.hwtest;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import io.kdrv.hwtest.runtime.PiRuntime;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The test runner inside the VM: runs the selected JUnit tests in this JVM and prints one line per test, the
 * failures with their stack traces, and exactly one summary line {@code N passed, N failed}, which run.sh checks.
 *
 * <p>Arguments select what runs (default: every test under {@code io.kdrv.hwtest}): {@code -p package},
 * {@code -c class}, {@code -m class#method}, repeatable. Exit status 0 only when at least one test passed and
 * nothing failed (a failing container, such as a {@code @BeforeAll}, counts as a failure).
 */
public final class GuestMain {
  private GuestMain() {}

  public static void main(String[] args) {
    List<DiscoverySelector> selectors = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "-p" -> selectors.add(selectPackage(required(args[i], value)));
        case "-c" -> selectors.add(selectClass(required(args[i], value)));
        case "-m" -> selectors.add(selectMethod(required(args[i], value)));
        default -> {
          System.err.println("GuestMain: unknown argument " + args[i] + " (use -p package, -c class, -m class#method)");
          System.exit(2);
        }
      }
      i++;
    }
    if (selectors.isEmpty()) {
      selectors.add(selectPackage("io.kdrv.hwtest"));
    }
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectors)
        // a hung test fails instead of eating the VM's whole time budget
        .configurationParameter("junit.jupiter.execution.timeout.default", "60s")
        // classes with @Order go where it says (the runtime test and the benchmark last), the rest in between
        .configurationParameter("junit.jupiter.testclass.order.default",
            "org.junit.jupiter.api.ClassOrderer$OrderAnnotation")
        .build();
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    Launcher launcher = LauncherFactory.create();
    TestPlan plan = launcher.discover(request);
    if (selects(plan, PiRuntime.TEST_CLASS)) {
      // its child JVM boots for about a minute under TCG: let that overlap the classes that run before it
      PiRuntime.startEarly();
    }
    launcher.execute(plan, summary, new Progress());

    TestExecutionSummary s = summary.getSummary();
    if (!s.getFailures().isEmpty()) {
      System.out.println();
      System.out.println("Failures (" + s.getFailures().size() + "):");
      PrintWriter out = new PrintWriter(System.out, true);
      s.printFailuresTo(out, 40);
      out.flush();
    }
    long passed = s.getTestsSucceededCount();
    long failed = s.getTotalFailureCount();
    if (s.getTestsSkippedCount() + s.getTestsAbortedCount() > 0) {
      System.out.println("(" + s.getTestsSkippedCount() + " skipped, " + s.getTestsAbortedCount() + " aborted)");
    }
    System.out.println(passed + " passed, " + failed + " failed");
    System.out.flush();
    System.exit(failed == 0 && passed > 0 ? 0 : 1);
  }

  private static boolean selects(TestPlan plan, String className) {
    for (TestIdentifier root : plan.getRoots()) {
      for (TestIdentifier id : plan.getDescendants(root)) {
        if (id.getUniqueId().contains("[class:" + className + "]")) {
          return true;
        }
      }
    }
    return false;
  }

  private static String required(String option, String value) {
    if (value == null) {
      System.err.println("GuestMain: " + option + " needs a value");
      System.exit(2);
    }
    return value;
  }

  /** One line per finished test (and per failed container), as it happens, so a hang shows where it is. */
  private static final class Progress implements TestExecutionListener {
    private final Map<String, Long> started = new ConcurrentHashMap<>();

    @Override
    public void executionStarted(TestIdentifier id) {
      started.put(id.getUniqueId(), System.nanoTime());
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
      if (id.isTest()) {
        System.out.println("SKIP  " + name(id) + ": " + reason);
      }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
      Long t0 = started.remove(id.getUniqueId());
      long ms = t0 == null ? 0 : (System.nanoTime() - t0) / 1_000_000;
      if (!id.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
        return;
      }
      String tag = switch (result.getStatus()) {
        case SUCCESSFUL -> "PASS ";
        case ABORTED -> "ABORT";
        case FAILED -> "FAIL ";
      };
      String why = result.getThrowable().map(t -> ": " + t).orElse("");
      System.out.println(tag + " " + name(id) + " (" + ms + " ms)" + why);
      System.out.flush();
    }

    private static String name(TestIdentifier id) {
      // [engine:junit-jupiter]/[class:a.b.C]/[method:m()] -> C > m()
      String uid = id.getUniqueId();
      int cls = uid.indexOf("[class:");
      if (cls < 0) {
        return id.getDisplayName();
      }
      String rest = uid.substring(cls + 7);
      String className = rest.substring(0, rest.indexOf(']'));
      String simple = className.substring(className.lastIndexOf('.') + 1);
      return id.isTest() ? simple + " > " + id.getDisplayName() : simple;
    }
  }
}
