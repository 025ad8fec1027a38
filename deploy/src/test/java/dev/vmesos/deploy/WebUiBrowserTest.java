package dev.vmesos.deploy;

import static dev.vmesos.deploy.SchedulerEvents.acknowledged;
import static dev.vmesos.deploy.SchedulerEvents.next;
import static dev.vmesos.deploy.SchedulerEvents.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.Calls;
import dev.vmesos.client.MasterAddress;
import dev.vmesos.client.SchedulerClient;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.examples.common.ExecutorLaunch;
import dev.vmesos.examples.common.TaskResources;
import dev.vmesos.examples.drf.DrfConfig;
import dev.vmesos.examples.drf.DrfFramework;
import dev.vmesos.examples.drf.TaskDuration;
import dev.vmesos.master.MasterConfig;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser: Debian's headless Chromium, driven by Selenium through Debian's
 * chromedriver, against a local cluster (a master and two agents). The pages show the cluster live
 * from the operator API's event stream: an agent, a framework and a task that arrive after the page
 * loaded appear without a reload; a task's sandbox file is read through the master's relay; the dominant-share chart draws
 * points that change while two DRF demo frameworks of different shapes run. A screenshot of each
 * page is saved under {@code target/ui-screenshots/} (README's picture of the chart is one of them).
 *
 * <p>Without Chromium and chromedriver the test fails, naming the packages: {@code ./vmesos test}
 * installs them ({@code deploy/scripts/test-env.sh}).
 */
class WebUiBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
  private static final String RESOURCES = "cpus:4;mem:4096;disk:1024;ports:[31000-31009]";
  private static final String MARKER = "vmesos-ui-sandbox-" + UUID.randomUUID();

  @TempDir
  Path workDir;

  @Test
  void pagesShowTheClusterLiveReadASandboxFileAndChartTheSharesOfRunningDrfFrameworks() throws Exception {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as("Debian's chromium and chromium-driver (%s, %s) are needed: deploy/scripts/test-env.sh installs them"
            + " (as root: apt-get install chromium chromium-driver)", CHROMIUM, CHROMEDRIVER)
        .isTrue();
    Files.createDirectories(SCREENSHOTS);
    LocalCluster local = LocalCluster.start(ClusterConfig.loopback("vmesos-ui-" + UUID.randomUUID()),
        MasterConfig.defaults().withPort(0), 1, 0, RESOURCES, workDir, List.of("--isolation=posix/cpu,posix/mem"))
        .await(90, TimeUnit.SECONDS);
    Vertx schedulerNode = Vertx.vertx();
    WebDriver browser = null;
    List<DrfFramework> drf = new ArrayList<>();
    try {
      Poll.until("the agent registered", () -> local.master().master() != null
          && local.master().master().agents().size() == 1);
      browser = chromium();
      String base = "http://127.0.0.1:" + local.masterPort() + "/";
      browser.get(base + "#/agents");
      // Pages are redrawn as events arrive: an element found may be replaced before it is read.
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100));
      wait.ignoring(StaleElementReferenceException.class);
      JavascriptExecutor js = (JavascriptExecutor) browser;
      wait.until(d -> "live".equals(d.findElement(By.id("stream-status")).getAttribute("data-state")));
      // Set once: still there at the end only if no page was reloaded. Script errors from now on are kept.
      js.executeScript("""
          window.loadedOnce = true;
          window.scriptErrors = [];
          window.addEventListener('error', (e) => window.scriptErrors.push(String(e.message)));
          window.addEventListener('unhandledrejection', (e) => window.scriptErrors.push(String(e.reason)));""");
      String firstAgent = local.master().master().agents().keySet().iterator().next();
      wait.until(d -> !d.findElements(By.cssSelector("#agents-table tr[data-id='" + firstAgent + "']")).isEmpty());
      // A second agent joins after the page loaded: it appears.
      local.addAgent(RESOURCES).await(30, TimeUnit.SECONDS);
      Poll.until("the second agent registered", () -> local.master().master().agents().size() == 2);
      for (String agentId : local.master().master().agents().keySet()) {
        wait.until(d -> !d.findElements(By.cssSelector("#agents-table tr[data-id='" + agentId + "']")).isEmpty());
      }
      assertThat(browser.findElements(By.cssSelector("#agents-table tbody tr"))).hasSize(2);
      screenshot(browser, "agents");

      // A framework and a task that start after the page loaded appear on the open pages.
      js.executeScript("location.hash = '#/frameworks';");
      BlockingQueue<Event> events = new LinkedBlockingQueue<>();
      SchedulerClient probe = new SchedulerClient(schedulerNode, "127.0.0.1", local.masterPort(), MediaType.JSON);
      probe.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("ui-probe").setRole("ui").build(),
          events::add, error -> { }).await(10, TimeUnit.SECONDS);
      String probeId = next(events, Event.Type.SUBSCRIBED, 10).getSubscribed().getFrameworkId().getValue();
      wait.until(d -> d.findElement(By.cssSelector("#frameworks-table tr[data-id='" + probeId + "']")).getText()
          .contains("ui-probe"));
      // Its role, and the offers it holds (they are in no event: asked for again after events).
      By probeRow = By.cssSelector("#frameworks-table tr[data-id='" + probeId + "'] td");
      wait.until(d -> d.findElements(probeRow).size() > 9 && d.findElements(probeRow).get(9).getText().matches("[1-9].*"));
      assertThat(browser.findElements(probeRow).get(2).getText()).as("its role").isEqualTo("ui");
      screenshot(browser, "frameworks");
      browser.findElement(By.cssSelector("#nav a[data-page='tasks']")).click();
      Event offers = next(events, Event.Type.OFFERS, 30);
      Offer offer = offers.getOffers().getOffers(0);
      TaskInfo task = TaskInfo.newBuilder().setName("ui-marker").setTaskId(TaskID.newBuilder().setValue("ui-marker-1"))
          .setAgentId(offer.getAgentId()).addResources(scalar("cpus", 0.5)).addResources(scalar("mem", 64))
          .setCommand(CommandInfo.newBuilder().setValue("echo " + MARKER + " > ui-marker.txt && sleep 120")).build();
      probe.call(Calls.launch(List.of(offer.getId()), List.of(task), 3600)).await(10, TimeUnit.SECONDS);
      probe.call(Calls.suppress()).await(10, TimeUnit.SECONDS);
      // The other agent's offer goes back, for the DRF frameworks below.
      declineOffers(probe, events, new ArrayList<>(offers.getOffers().getOffersList().subList(1,
          offers.getOffers().getOffersCount())));
      String row = "#tasks-table tr[data-id='" + probeId + "/ui-marker-1']";
      wait.until(d -> !d.findElements(By.cssSelector(row)).isEmpty());
      TaskState state;
      do {
        Event update = next(events, Event.Type.UPDATE, 30);
        state = acknowledged(update, probe).getState();
      } while (state != TaskState.TASK_RUNNING);
      declineOffers(probe, events, List.of());
      wait.until(d -> d.findElement(By.cssSelector(row)).getText().contains("TASK_RUNNING"));
      assertThat(js.executeScript("return window.loadedOnce === true;")).as("the page was not reloaded").isEqualTo(true);
      screenshot(browser, "tasks");

      // The task's sandbox, through the master's relay to its agent: the file it wrote.
      awaitMarkerWritten();
      click(wait, By.cssSelector(row + " a.sandbox-link"));
      wait.until(d -> !d.findElements(By.cssSelector("#sandbox-table a.sandbox-file[data-name='ui-marker.txt']"))
          .isEmpty() || !d.findElements(By.id("sandbox-error")).isEmpty());
      assertThat(browser.findElements(By.id("sandbox-error"))).as("no error browsing the sandbox").isEmpty();
      click(wait, By.cssSelector("#sandbox-table a.sandbox-file[data-name='ui-marker.txt']"));
      wait.until(d -> !d.findElements(By.id("file-content")).isEmpty() || !d.findElements(By.id("sandbox-error")).isEmpty());
      assertThat(browser.findElements(By.id("sandbox-error"))).as("no error reading the file").isEmpty();
      assertThat(browser.findElement(By.id("file-content")).getText().strip()).isEqualTo(MARKER);
      screenshot(browser, "sandbox");

      // Two DRF frameworks of different shapes; their dominant shares are charted as samples arrive.
      js.executeScript("location.hash = '#/shares';");
      wait.until(d -> "live".equals(d.findElement(By.id("shares-status")).getAttribute("data-state")));
      MasterAddress master = new MasterAddress("127.0.0.1", local.masterPort(), false);
      ExecutorLaunch executor = ExecutorLaunch.process(ExecutorLaunch.currentClasspath());
      PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
      for (Object[] shape : new Object[][] {{"drf-cpu", 1.0, 256.0}, {"drf-mem", 0.25, 1024.0}}) {
        DrfFramework framework = new DrfFramework(local.vertx(), new DrfConfig(master, (String) shape[0],
            new TaskResources((double) shape[1], (double) shape[2]), new TaskDuration(1, 3), executor), quiet);
        drf.add(framework);
        framework.run();
      }
      WebDriverWait chartWait = new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(250));
      chartWait.ignoring(StaleElementReferenceException.class);
      chartWait.until(d -> {
        Map<String, List<Double>> series = series(js);
        return series.keySet().stream().filter(name -> name.startsWith("drf-")).count() == 2
            && series.entrySet().stream().filter(e -> e.getKey().startsWith("drf-"))
                .allMatch(e -> e.getValue().size() >= 8 && new HashSet<>(e.getValue()).size() >= 2);
      });
      Map<String, List<Double>> first = series(js);
      chartWait.until(d -> series(js).values().stream().mapToInt(List::size).sum()
          > first.values().stream().mapToInt(List::size).sum());
      long painted = (long) js.executeScript("""
          const canvas = document.querySelector('#chart-frameworks canvas');
          const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let colored = 0;
          for (let i = 0; i < pixels.length; i += 4) {
            if (pixels[i + 3] > 0 && Math.abs(pixels[i] - pixels[i + 1]) + Math.abs(pixels[i + 1] - pixels[i + 2]) > 60) {
              colored++;
            }
          }
          return colored;""");
      assertThat(painted).as("coloured pixels of the share lines on the chart's canvas").isGreaterThan(200);
      screenshot(browser, "shares");

      // A weight and a quota set now show on the roles page.
      operator(local, "{\"type\":\"UPDATE_WEIGHTS\",\"update_weights\":{\"weight_infos\":[{\"role\":\"ui\","
          + "\"weight\":2.0}]}}");
      operator(local, "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":[{\"role\":\"ui\","
          + "\"guarantees\":{\"cpus\":{\"value\":0.5}},\"limits\":{\"cpus\":{\"value\":1.0}}}]}}");
      browser.findElement(By.cssSelector("#nav a[data-page='roles']")).click();
      wait.until(d -> {
        List<org.openqa.selenium.WebElement> cells = d.findElements(By.cssSelector("#roles-table tr[data-id='ui'] td"));
        return cells.size() > 4 && cells.get(1).getText().equals("2") && cells.get(4).getText().contains("limit cpus 1");
      });
      screenshot(browser, "roles");
      // The DRF frameworks' finished tasks moved to the completed tasks as their updates arrived.
      browser.findElement(By.cssSelector("#nav a[data-page='tasks']")).click();
      wait.until(d -> d.findElements(By.cssSelector("#completed-tasks-table tbody tr")).stream()
          .anyMatch(r -> r.getText().contains("TASK_FINISHED")));
      browser.findElement(By.cssSelector("#nav a[data-page='overview']")).click();
      wait.until(d -> d.findElement(By.id("leader")).getText().contains("127.0.0.1:" + local.masterPort()));
      screenshot(browser, "overview");
      assertThat(js.executeScript("return window.loadedOnce === true;")).as("no reload since").isEqualTo(true);
      assertThat((List<?>) js.executeScript("return window.scriptErrors;")).as("script errors").isEmpty();
    } finally {
      for (DrfFramework framework : drf) {
        framework.stop().await(10, TimeUnit.SECONDS);
      }
      if (browser != null) {
        browser.quit();
      }
      schedulerNode.close().await(10, TimeUnit.SECONDS);
      local.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** Clicks what {@code by} finds, again if the page was redrawn under it. */
  private static void click(WebDriverWait wait, By by) {
    wait.until(d -> {
      d.findElement(by).click();
      return true;
    });
  }

  private static void operator(LocalCluster local, String body) throws Exception {
    java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + local.masterPort() + "/api/v1"))
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(body + ": " + response.body()).isEqualTo(200);
  }

  /** Declines {@code offers} and any offers waiting in {@code events}, for an hour. */
  private static void declineOffers(SchedulerClient client, BlockingQueue<Event> events, List<Offer> offers)
      throws Exception {
    List<dev.vmesos.api.v1.Protos.OfferID> ids = new ArrayList<>();
    offers.forEach(o -> ids.add(o.getId()));
    for (Event event : events) {
      if (event.getType() == Event.Type.OFFERS && events.remove(event)) {
        event.getOffers().getOffersList().forEach(o -> ids.add(o.getId()));
      }
    }
    if (!ids.isEmpty()) {
      client.call(Calls.decline(ids, 3600)).await(10, TimeUnit.SECONDS);
    }
  }

  /** The framework chart's points by series label, null points left out. */
  @SuppressWarnings("unchecked")
  private static Map<String, List<Double>> series(JavascriptExecutor js) {
    Object result = js.executeScript("""
        const c = window.vmesos.charts.frameworks;
        if (!c) return {};
        const out = {};
        c.plot.series.slice(1).forEach((s, i) => {
          out[s.label] = c.data[i + 1].filter((v) => v !== null && v !== undefined).map(Number);
        });
        return out;""");
    Map<String, List<Double>> series = new java.util.HashMap<>();
    ((Map<String, List<Number>>) result).forEach((label, values) ->
        series.put(label, values.stream().map(Number::doubleValue).toList()));
    return series;
  }

  /** The task writes its file as it starts, maybe after TASK_RUNNING: wait until it holds its line. */
  private void awaitMarkerWritten() throws Exception {
    Poll.until("the task wrote ui-marker.txt in its sandbox", () -> {
      try (java.util.stream.Stream<Path> files = Files.walk(workDir)) {
        return files.filter(f -> f.getFileName().toString().equals("ui-marker.txt")).anyMatch(f -> {
          try {
            return Files.readString(f).contains(MARKER);
          } catch (java.io.IOException e) {
            return false;
          }
        });
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        return false;
      }
    });
  }

  private static WebDriver chromium() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1400,1100", "--hide-scrollbars",
        // Nothing but the cluster on 127.0.0.1: no background requests, and no other name resolves.
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--no-default-browser-check", "--disable-default-apps", "--disable-domain-reliability",
        "--disable-client-side-phishing-detection", "--metrics-recording-only",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort()
        .build();
    return new ChromeDriver(service, options);
  }

  private static void screenshot(WebDriver browser, String page) throws Exception {
    Files.write(SCREENSHOTS.resolve(page + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
