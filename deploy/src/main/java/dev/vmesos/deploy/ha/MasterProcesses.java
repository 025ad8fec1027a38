package dev.vmesos.deploy.ha;

import dev.vmesos.deploy.Main;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Masters and agents of one HA cluster as processes of their own ({@code vmesos master|agent} in new
 * JVMs on this classpath), each one's output in a file under the work dir, for end-to-end tests and
 * the failover benchmark: it finds the leader, kills (SIGKILL), pauses (SIGSTOP) and resumes
 * (SIGCONT) a master, restarts it on the same flags, and waits with deadlines for what a failover
 * should bring: a leader that answers SUBSCRIBE with 200 and every agent registered with it.
 *
 * <p>Only loopback; ports are the caller's, so that runs beside other clusters never collide.
 */
public final class MasterProcesses implements AutoCloseable {

  /** What the processes are started with. */
  public record Layout(Path workDir, String clusterName, List<Integer> masterPorts, List<Integer> clusterPorts,
                       List<Integer> agentPorts, String agentResources,
                       List<String> masterFlags, List<String> agentFlags) {

    public Layout {
      masterPorts = List.copyOf(masterPorts);
      clusterPorts = List.copyOf(clusterPorts);
      agentPorts = List.copyOf(agentPorts);
      masterFlags = List.copyOf(masterFlags);
      agentFlags = List.copyOf(agentFlags);
      if (masterPorts.size() != clusterPorts.size()) {
        throw new IllegalArgumentException("one cluster port per master");
      }
    }

    /**
     * Masters on HTTP {@code httpBase}, +10, +20, ... and Hazelcast {@code clusterBase}, +1, ...; agents
     * on HTTP {@code agentBase}, +1, ... (and nothing else: they are not cluster members).
     */
    public static Layout of(Path workDir, String clusterName, int masters, int agents, int httpBase,
                            int clusterBase, int agentBase, String agentResources) {
      List<Integer> http = new ArrayList<>();
      List<Integer> cluster = new ArrayList<>();
      for (int i = 0; i < masters; i++) {
        http.add(httpBase + 10 * i);
        cluster.add(clusterBase + i);
      }
      List<Integer> agentPorts = new ArrayList<>();
      for (int i = 0; i < agents; i++) {
        agentPorts.add(agentBase + i);
      }
      return new Layout(workDir, clusterName, http, cluster, agentPorts, agentResources,
          List.of(), List.of());
    }

    public Layout withMasterFlags(String... flags) {
      return new Layout(workDir, clusterName, masterPorts, clusterPorts, agentPorts, agentResources,
          List.of(flags), agentFlags);
    }

    public Layout withAgentFlags(String... flags) {
      return new Layout(workDir, clusterName, masterPorts, clusterPorts, agentPorts, agentResources,
          masterFlags, List.of(flags));
    }

    String masterList() {
      return masterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    String clusterMembers() {
      return clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }
  }

  /** The line a master logs once it is a member of the Raft (CP) group. */
  public static final String JOINED_RAFT = "This master joined the Raft group";
  private static final Duration POLL = Duration.ofMillis(100);

  private final Layout layout;
  private final Process[] masters;
  private final Path[] masterLogs;
  private final int[] masterRuns;
  private final boolean[] paused;
  private final Process[] agents;
  private final Path[] agentLogs;
  private final int[] agentRuns;
  private List<String> javaOptions = List.of();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  public MasterProcesses(Layout layout) {
    this.layout = layout;
    int m = layout.masterPorts().size();
    int a = layout.agentPorts().size();
    masters = new Process[m];
    masterLogs = new Path[m];
    masterRuns = new int[m];
    paused = new boolean[m];
    agents = new Process[a];
    agentLogs = new Path[a];
    agentRuns = new int[a];
  }

  /** JVM options for the processes started from now on, after the defaults (a later -Xmx wins). */
  public MasterProcesses withJavaOptions(String... options) {
    javaOptions = List.of(options);
    return this;
  }

  public Layout layout() {
    return layout;
  }

  /** Starts every master, then every agent (without waiting for either). */
  public MasterProcesses start() throws IOException {
    Files.createDirectories(layout.workDir());
    for (int i = 0; i < masters.length; i++) {
      startMaster(i);
    }
    for (int i = 0; i < agents.length; i++) {
      startAgent(i);
    }
    return this;
  }

  /** Starts master {@code i} (again) on its flags and work dir; its output goes to a new log file. */
  public void startMaster(int i) throws IOException {
    List<String> args = new ArrayList<>(List.of("master", "--port=" + layout.masterPorts().get(i),
        "--work_dir=" + layout.workDir().resolve("master-" + i), "--quorum=" + (masters.length / 2 + 1),
        "--cluster_port=" + layout.clusterPorts().get(i), "--cluster_members=" + layout.clusterMembers(),
        "--cluster_name=" + layout.clusterName()));
    args.addAll(layout.masterFlags());
    masterLogs[i] = layout.workDir().resolve("master-" + i + "." + (++masterRuns[i]) + ".log");
    paused[i] = false;
    masters[i] = launch(args, masterLogs[i]);
  }

  /** Starts agent {@code i} (again) on its flags and work dir; its output goes to a new log file. */
  public void startAgent(int i) throws IOException {
    List<String> args = new ArrayList<>(List.of("agent", "--master=" + layout.masterList(),
        "--port=" + layout.agentPorts().get(i), "--work_dir=" + layout.workDir().resolve("agent-" + i),
        "--resources=" + layout.agentResources(), "--registration_backoff_factor=100ms"));
    args.addAll(layout.agentFlags());
    agentLogs[i] = layout.workDir().resolve("agent-" + i + "." + (++agentRuns[i]) + ".log");
    agents[i] = launch(args, agentLogs[i]);
  }

  private Process launch(List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "-Dhazelcast.wait.seconds.before.join=0", "-Xmx256m"));
    command.addAll(javaOptions);
    // Extra JVM options for a run, e.g. -Dvmesos.ha.java_options=-Dvmesos.logging_level=WARNING
    String extra = System.getProperty("vmesos.ha.java_options", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  public int masterCount() {
    return masters.length;
  }

  public int masterPort(int i) {
    return layout.masterPorts().get(i);
  }

  public int agentPort(int i) {
    return layout.agentPorts().get(i);
  }

  public Path masterLog(int i) {
    return masterLogs[i];
  }

  public Path agentLog(int i) {
    return agentLogs[i];
  }

  public long masterPid(int i) {
    return masters[i].pid();
  }

  public long agentPid(int i) {
    return agents[i].pid();
  }

  public boolean masterAlive(int i) {
    return masters[i] != null && masters[i].isAlive();
  }

  /** SIGKILL (on Unix, {@link Process#destroyForcibly} is {@code kill(pid, SIGKILL)}); waits for the exit. */
  public void killMaster(int i) throws InterruptedException {
    kill(masters[i]);
    paused[i] = false;
  }

  /** SIGKILL to agent {@code i}; waits for the exit. */
  public void killAgent(int i) throws InterruptedException {
    kill(agents[i]);
  }

  private static void kill(Process process) throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("process " + process.pid() + " outlived SIGKILL for 10 s");
      }
    }
  }

  /** SIGSTOP: the master stops dead, its sockets open, as a long GC pause or a frozen VM would. */
  public void pauseMaster(int i) throws IOException, InterruptedException {
    signal("-STOP", masters[i].pid());
    paused[i] = true;
  }

  /** SIGCONT after {@link #pauseMaster}. */
  public void resumeMaster(int i) throws IOException, InterruptedException {
    signal("-CONT", masters[i].pid());
    paused[i] = false;
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).redirectErrorStream(true).start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill " + signal + " " + pid + " failed: "
          + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    }
  }

  /** The master whose /metrics/snapshot says it is elected now, among the running, unpaused ones. */
  public OptionalInt leaderNow() {
    for (int i = 0; i < masters.length; i++) {
      if (masterAlive(i) && !paused[i] && metric(i, "master/elected").orElse(0.0) == 1.0) {
        return OptionalInt.of(i);
      }
    }
    return OptionalInt.empty();
  }

  /** Waits for a master to be elected; returns its index. */
  public int awaitLeader(Duration timeout) throws InterruptedException {
    int[] leader = new int[1];
    await(timeout, "a master reports itself elected", () -> {
      OptionalInt now = leaderNow();
      now.ifPresent(l -> leader[0] = l);
      return now.isPresent();
    });
    return leader[0];
  }

  /**
   * Waits until one of the running masters answers a scheduler SUBSCRIBE with 200 (not 307 or 503);
   * returns its index. The probe closes its stream at once, and subscribes with no failover timeout,
   * so the master forgets the probe framework as soon as it sees the stream closed.
   */
  public int awaitSubscribeServed(Duration timeout) throws InterruptedException {
    int[] leader = {-1};
    await(timeout, "a master answers SUBSCRIBE with 200", () -> {
      for (int i = 0; i < masters.length; i++) {
        if (masterAlive(i) && !paused[i] && subscribeStatus(i) == 200) {
          leader[0] = i;
          return true;
        }
      }
      return false;
    });
    return leader[0];
  }

  /** The HTTP status master {@code i} answers a SUBSCRIBE with, or -1 when it does not answer. */
  public int subscribeStatus(int i) {
    String body = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"probe\","
        + "\"name\":\"failover-probe\",\"failover_timeout\":0}}}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String request = "POST /api/v1/scheduler HTTP/1.1\r\nHost: 127.0.0.1:" + masterPort(i)
        + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: " + bytes.length
        + "\r\nConnection: close\r\n\r\n";
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", masterPort(i)), 500);
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      String status = statusLine(socket.getInputStream());
      String[] parts = status.split(" ");
      return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      line.append((char) c);
    }
    return line.toString().trim();
  }

  /** Agents registered (active) with master {@code i}, from its /metrics/snapshot; 0 if it does not lead. */
  public int agentsRegisteredWith(int i) {
    return metric(i, "master/slaves_active").orElse(0.0).intValue();
  }

  /** Waits until every agent that is running is registered with master {@code leader}. */
  public void awaitAgentsRegistered(int leader, Duration timeout) throws InterruptedException {
    awaitAgentsRegistered(leader, (int) java.util.Arrays.stream(agents).filter(p -> p != null && p.isAlive()).count(),
        timeout);
  }

  /** Waits until {@code count} agents are registered with master {@code leader}. */
  public void awaitAgentsRegistered(int leader, int count, Duration timeout) throws InterruptedException {
    await(timeout, count + " agent(s) registered with master " + leader, () -> agentsRegisteredWith(leader) >= count);
  }

  /** Waits until master {@code i}'s current log says it joined the Raft group. */
  public void awaitJoinedRaft(int i, Duration timeout) throws InterruptedException {
    await(timeout, "master " + i + " logs '" + JOINED_RAFT + "'", () -> logContains(masterLogs[i], JOINED_RAFT));
  }

  /** One number of master {@code i}'s /metrics/snapshot (not redirected). */
  public Optional<Double> metric(int i, String name) {
    return getJson(masterPort(i), "/metrics/snapshot").map(json -> json.getDouble(name));
  }

  /** One number of agent {@code i}'s /metrics/snapshot. */
  public Optional<Double> agentMetric(int i, String name) {
    return getJson(agentPort(i), "/metrics/snapshot").map(json -> json.getDouble(name));
  }

  /** GET {@code path} on a local port as JSON, not following redirects; empty unless it answers 200. */
  public Optional<JsonObject> getJson(int port, String path) {
    return get(port, path).filter(r -> r.statusCode() == 200).map(r -> new JsonObject(r.body()));
  }

  /** GET {@code path} on a local port, not following redirects; empty when nothing answers. */
  public Optional<HttpResponse<String>> get(int port, String path) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(2)).build();
      return Optional.of(http.send(request, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  public static boolean logContains(Path log, String text) {
    try {
      return Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  /** Polls {@code condition} every 100 ms until it holds; fails naming {@code what} after {@code timeout}. */
  public static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout.toMillis() + " ms waiting until " + what);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Resumes paused masters, then kills every process still running. */
  @Override
  public void close() {
    for (int i = 0; i < masters.length; i++) {
      if (paused[i] && masterAlive(i)) {
        try {
          resumeMaster(i);
        } catch (IOException | InterruptedException ignored) {
          // killed below anyway
        }
      }
    }
    List<Process> all = new ArrayList<>();
    for (Process p : agents) {
      if (p != null) {
        all.add(p);
      }
    }
    for (Process p : masters) {
      if (p != null) {
        all.add(p);
      }
    }
    all.forEach(Process::destroyForcibly);
    for (Process p : all) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
