package dev.vmesos.compat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packaged vmesos ({@code deploy/target}) running {@code local} (a master and one agent) in its own
 * JVM, on loopback ports chosen free, a fresh work directory and a cluster name of its own, so that it
 * can never join another vmesos on this machine. Its output is echoed, prefixed, into the test log.
 */
final class VmesosProcess implements AutoCloseable {

  static final String HOST = "127.0.0.1";
  /** Short, so that the tests see periodic heartbeats; Mesos's default is 15 s. */
  static final int HEARTBEAT_SECONDS = 2;
  static final double AGENT_CPUS = 4;
  static final double AGENT_MEM = 4096;
  static final String AGENT_RESOURCES = "cpus:4;mem:4096;disk:4096;ports:[31000-31100]";

  private static final Pattern READY = Pattern.compile("vmesos local: master at (https?://\\S+/api/v1/scheduler)");
  // Hazelcast asks for these (as ./vmesos passes them); without them it only warns.
  private static final List<String> HAZELCAST_OPENS = List.of(
      "--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private final Process process;
  private final URI schedulerUri;
  private final int masterPort;
  private final Path workDir;

  private VmesosProcess(Process process, URI schedulerUri, int masterPort, Path workDir) {
    this.process = process;
    this.schedulerUri = schedulerUri;
    this.masterPort = masterPort;
    this.workDir = workDir;
  }

  /** Starts vmesos and returns once it prints that its master is up, or fails after {@code timeout}. */
  static VmesosProcess start(Duration timeout) throws IOException, InterruptedException {
    return start(timeout, List.of(), Map.of());
  }

  /**
   * Same, with {@code extraFlags} after the usual ones and {@code extraEnv} in its environment (such as
   * Mesos's {@code LIBPROCESS_SSL_*}).
   */
  static VmesosProcess start(Duration timeout, List<String> extraFlags, Map<String, String> extraEnv)
      throws IOException, InterruptedException {
    Path deployDir = deployDir();
    Path jar = deployDir.resolve("deploy-0.1.0-SNAPSHOT.jar");
    Path lib = deployDir.resolve("lib");
    if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
      throw new IllegalStateException("vmesos is not packaged: " + jar + " or " + lib
          + " is missing (run mvn package for the deploy module first)");
    }
    int masterPort = freePort();
    int agentPort = freePort();
    int clusterPort = freePort();
    Path workDir = Files.createTempDirectory("vmesos-compat-");

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(HAZELCAST_OPENS);
    command.addAll(List.of(
        "-cp", jar + ":" + lib + "/*",
        "dev.vmesos.deploy.Main", "local",
        "--ip=" + HOST,
        "--port=" + masterPort,
        "--agent_port=" + agentPort,
        "--work_dir=" + workDir,
        "--resources=" + AGENT_RESOURCES,
        "--heartbeat_interval=" + HEARTBEAT_SECONDS + "secs",
        "--allocation_interval=250ms",
        "--cluster_host=" + HOST,
        "--cluster_port=" + clusterPort,
        "--cluster_members=" + HOST + ":" + clusterPort,
        "--cluster_name=compat-" + UUID.randomUUID()));
    command.addAll(extraFlags);
    // stdout (where the ready line is) and stderr (the logs) apart: merged, a log line can land in the
    // middle of the ready line.
    ProcessBuilder builder = new ProcessBuilder(command);
    // vmesos also reads MESOS_<FLAG> variables: none of the caller's may leak in.
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("MESOS_") || name.startsWith("LIBPROCESS_"));
    env.putAll(extraEnv);
    System.out.println("[compat] starting: " + String.join(" ", command));
    Process process = builder.start();

    CompletableFuture<URI> ready = new CompletableFuture<>();
    Thread echo = new Thread(() -> echoOutput(process.getInputStream(), ready), "vmesos-output");
    echo.setDaemon(true);
    echo.start();
    Thread echoErrors = new Thread(() -> echoOutput(process.getErrorStream(), null), "vmesos-log");
    echoErrors.setDaemon(true);
    echoErrors.start();
    try {
      URI uri = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!HOST.equals(uri.getHost()) || uri.getPort() != masterPort
          || !uri.getScheme().equals(extraEnv.containsKey("LIBPROCESS_SSL_ENABLED") ? "https" : "http")) {
        throw new IllegalStateException("vmesos reported " + uri + ", expected " + HOST + ":" + masterPort);
      }
      System.out.println("[compat] vmesos is up: " + uri);
      return new VmesosProcess(process, uri, masterPort, workDir);
    } catch (TimeoutException | ExecutionException | RuntimeException e) {
      stop(process);
      deleteRecursively(workDir);
      throw new IllegalStateException("vmesos did not start within " + timeout + " (its output is in the test log)", e);
    }
  }

  /** {@code http://127.0.0.1:<port>/api/v1/scheduler}. */
  URI schedulerUri() {
    return schedulerUri;
  }

  URI uri(String path) {
    return URI.create(schedulerUri.getScheme() + "://" + HOST + ":" + masterPort + path);
  }

  int masterPort() {
    return masterPort;
  }

  @Override
  public void close() {
    stop(process);
    deleteRecursively(workDir);
  }

  /** Echoes one of vmesos's streams into the test log; on stdout ({@code ready} set) it also looks for the ready line. */
  private static void echoOutput(java.io.InputStream stream, CompletableFuture<URI> ready) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        System.out.println("[vmesos] " + line);
        Matcher m = READY.matcher(line);
        if (ready != null && m.find()) {
          ready.complete(URI.create(m.group(1)));
        }
      }
    } catch (IOException e) {
      if (ready != null) {
        ready.completeExceptionally(e);
      }
    }
    if (ready != null) {
      ready.completeExceptionally(new IllegalStateException("vmesos exited before it was up"));
    }
  }

  /** SIGTERM (vmesos closes Vert.x and its tasks), then whatever of its process tree is left. */
  private static void stop(Process process) {
    List<ProcessHandle> tree = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        System.out.println("[compat] vmesos did not stop within 30 s; killing it");
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    System.out.println("[compat] vmesos stopped" + (process.isAlive() ? "" : ", exit " + process.exitValue()));
  }

  private static Path deployDir() {
    String dir = System.getProperty("vmesos.deploy.dir");
    return dir != null ? Path.of(dir) : Path.of("..", "deploy", "target");
  }

  /** A port that was free on loopback a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort: a temp directory
        }
      });
    } catch (IOException | UncheckedIOException ignored) {
      // best effort: a temp directory
    }
  }
}
