package dev.vmesos.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo.DockerInfo;
import dev.vmesos.api.v1.Protos.Environment;
import dev.vmesos.api.v1.Protos.Parameter;
import dev.vmesos.api.v1.Protos.Volume;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HttpDockerEngine} against the machine's real Docker engine and its local image
 * {@value #IMAGE} ({@code deploy/scripts/test-env.sh} starts the one and imports the other). Nothing
 * is pulled from a registry. Every container is labelled with this run's agent ids and removed
 * after each test.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RealDockerEngineTest {

  static final String IMAGE = "vmesos/busybox:local";

  /** Every agent id a test used, for a last sweep should a test's own clean-up fail. */
  private static final Set<String> AGENT_IDS = ConcurrentHashMap.newKeySet();

  private final String agentId = "docker-test-" + UUID.randomUUID();
  private final String otherAgentId = "docker-test-other-" + UUID.randomUUID();

  @TempDir
  Path workDir;

  private DockerEngine docker;

  /** A test that cannot reach Docker must fail, not skip: CI provides the engine. */
  @BeforeAll
  static void theEngineAndTheTestImageAreThere() throws Exception {
    Vertx vertx = Vertx.vertx();
    DockerEngine engine = DockerEngine.create(vertx, DockerOptions.defaults());
    try {
      String version = await(engine.ping());
      assertThat(version).isNotBlank();
    } catch (ExecutionException e) {
      fail("The Docker engine at " + DockerOptions.DEFAULT_SOCKET + " is not reachable (start it and import "
          + IMAGE + " with deploy/scripts/test-env.sh): " + e.getCause().getMessage(), e.getCause());
    } finally {
      await(engine.close());
      await(vertx.close());
    }
  }

  @AfterAll
  static void removeLeftovers() throws Exception {
    Vertx vertx = Vertx.vertx();
    DockerEngine engine = DockerEngine.create(vertx, DockerOptions.defaults());
    try {
      removeContainers(engine, AGENT_IDS);
    } finally {
      await(engine.close());
      await(vertx.close());
    }
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    AGENT_IDS.add(agentId);
    AGENT_IDS.add(otherAgentId);
    docker = DockerEngine.create(vertx, DockerOptions.defaults());
  }

  @AfterEach
  void removeContainers() throws Exception {
    try {
      removeContainers(docker, List.of(agentId, otherAgentId));
    } finally {
      await(docker.close());
    }
  }

  private static void removeContainers(DockerEngine engine, Collection<String> agentIds) throws Exception {
    for (String agent : agentIds) {
      for (ContainerSummary container : await(engine.list(agent))) {
        await(engine.remove(container.id()));
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> future) throws Exception {
    try {
      await(future);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the call to fail, but it succeeded");
  }

  private static DockerInfo.Builder image() {
    return DockerInfo.newBuilder().setImage(IMAGE);
  }

  private static CommandInfo shell(String script) {
    return CommandInfo.newBuilder().setValue(script).build();
  }

  private DockerLaunch launch(String agent, DockerInfo.Builder docker, CommandInfo command, String resources,
      Volume... volumes) {
    String containerId = UUID.randomUUID().toString();
    ContainerInfo container = ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(docker)
        .addAllVolumes(List.of(volumes)).build();
    return new DockerLaunch(containerId, agent, "fw-1", "exec-" + containerId, Optional.of("task-" + containerId),
        container, Optional.of(command), resources.isEmpty() ? Resources.empty() : Resources.parse(resources),
        Map.of("MESOS_TASK_ID", "task-" + containerId, "MESOS_AGENT_ID", agent),
        workDir.resolve("sandbox-" + containerId));
  }

  private DockerLaunch launch(DockerInfo.Builder docker, CommandInfo command) {
    return launch(agentId, docker, command, "cpus:0.5;mem:64");
  }

  /** Runs to the end: the exit, with the output all written. */
  private ContainerExit runToExit(DockerLaunch launch) throws Exception {
    StartedContainer started = await(docker.run(launch));
    ContainerExit exit = await(docker.awaitExit(started.id()));
    await(started.output());
    return exit;
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static List<String> capEff(String output) {
    return output.lines().filter(l -> l.startsWith("CapEff:")).map(l -> l.substring(7).trim()).toList();
  }

  // ---- tests ------------------------------------------------------------------------------------

  @Test
  void aContainerExitsWithItsStatusAndItsOutputIsInTheSandbox() throws Exception {
    DockerLaunch launch = launch(image(), shell("echo to-stdout; echo to-stderr >&2; echo more; exit 3"));

    ContainerExit exit = runToExit(launch);

    assertThat(exit).isEqualTo(new ContainerExit(3, false));
    assertThat(read(launch.sandbox().resolve("stdout"))).isEqualTo("to-stdout\nmore\n");
    assertThat(read(launch.sandbox().resolve("stderr"))).isEqualTo("to-stderr\n");
    ContainerState state = await(docker.inspect(launch.containerName()));
    assertThat(state.running()).isFalse();
    assertThat(state.status()).isEqualTo("exited");
    assertThat(state.exitCode()).isEqualTo(3);
  }

  @Test
  void largeOutputArrivesWhole() throws Exception {
    // ~1.3 MB on stdout, in many frames, while stderr gets a line per thousand.
    DockerLaunch launch = launch(image(), shell(
        "i=0; while [ $i -lt 20000 ]; do echo \"line $i of the output stream\"; "
            + "[ $((i % 1000)) -eq 0 ] && echo \"err $i\" >&2; i=$((i+1)); done"));

    assertThat(runToExit(launch).exitCode()).isZero();

    List<String> lines = Files.readAllLines(launch.sandbox().resolve("stdout"));
    assertThat(lines).hasSize(20000);
    assertThat(lines.get(19999)).isEqualTo("line 19999 of the output stream");
    assertThat(Files.readAllLines(launch.sandbox().resolve("stderr"))).hasSize(20).endsWith("err 19000");
  }

  @Test
  void theContainerSharesTheHostsNetworkAndSeesItsEnvironmentAndParameters() throws Exception {
    CommandInfo command = CommandInfo.newBuilder()
        .setValue("env; echo pwd=$(pwd); echo uid=$(id -u); grep CapEff /proc/self/status; "
            + "grep db.local /etc/hosts; echo host=$(hostname); echo nets=$(ls /sys/class/net)")
        .setEnvironment(Environment.newBuilder()
            .addVariables(Environment.Variable.newBuilder().setName("GREETING").setValue("hello from the task")))
        .build();
    DockerInfo.Builder info = image()
        .addParameters(Parameter.newBuilder().setKey("env").setValue("FROM_PARAMETER=yes"))
        .addParameters(Parameter.newBuilder().setKey("workdir").setValue("/tmp"))
        .addParameters(Parameter.newBuilder().setKey("u").setValue("65534:65534"))
        .addParameters(Parameter.newBuilder().setKey("cap-drop").setValue("ALL"))
        .addParameters(Parameter.newBuilder().setKey("add-host").setValue("db.local:10.0.0.1"))
        .addParameters(Parameter.newBuilder().setKey("hostname").setValue("vmesos-docker-test"))
        .addParameters(Parameter.newBuilder().setKey("label").setValue("team=blue"));
    DockerLaunch launch = launch(info, command);

    assertThat(runToExit(launch).exitCode()).isZero();

    String stdout = read(launch.sandbox().resolve("stdout"));
    assertThat(stdout.lines()).contains(
        "GREETING=hello from the task",
        "FROM_PARAMETER=yes",
        "MESOS_TASK_ID=" + launch.taskId().orElseThrow(),
        "MESOS_SANDBOX=/mnt/mesos/sandbox",
        "pwd=/tmp",
        "uid=65534",
        "10.0.0.1\tdb.local",
        "host=vmesos-docker-test");
    assertThat(capEff(stdout)).containsExactly("0000000000000000");
    String hostNets;
    try (Stream<Path> nets = Files.list(Path.of("/sys/class/net"))) {
      hostNets = String.join(" ", nets.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertThat(stdout.lines()).contains("nets=" + hostNets);
    assertThat(await(docker.inspect(launch.containerName())).labels()).containsEntry("team", "blue");
  }

  @Test
  void theSandboxAndVolumesAreMounted(@TempDir Path hostDir) throws Exception {
    Files.writeString(hostDir.resolve("config.txt"), "from the host\n");
    Volume readOnly = Volume.newBuilder().setHostPath(hostDir.toString()).setContainerPath("/etc/app")
        .setMode(Volume.Mode.RO).build();
    DockerLaunch launch = launch(agentId, image(), shell(
        "cat /etc/app/config.txt; touch /etc/app/nope 2>/dev/null || echo read-only; "
            + "echo written-inside > /mnt/mesos/sandbox/result.txt; echo pwd=$(pwd)"), "", readOnly);

    assertThat(runToExit(launch).exitCode()).isZero();

    assertThat(read(launch.sandbox().resolve("stdout")))
        .isEqualTo("from the host\nread-only\npwd=/mnt/mesos/sandbox\n");
    assertThat(read(launch.sandbox().resolve("result.txt"))).isEqualTo("written-inside\n");
    assertThat(hostDir.resolve("nope")).doesNotExist();
  }

  @Test
  void capAddAndPrivilegedGiveMoreCapabilities() throws Exception {
    long netAdmin = 1L << 12;
    DockerLaunch plain = launch(image(), shell("grep CapEff /proc/self/status"));
    DockerLaunch withNetAdmin = launch(image().addParameters(Parameter.newBuilder().setKey("cap-add")
        .setValue("NET_ADMIN")), shell("grep CapEff /proc/self/status"));
    DockerLaunch privileged = launch(image().setPrivileged(true), shell("grep CapEff /proc/self/status"));

    runToExit(plain);
    runToExit(withNetAdmin);
    long plainCaps = Long.parseUnsignedLong(capEff(read(plain.sandbox().resolve("stdout"))).get(0), 16);
    long netAdminCaps = Long.parseUnsignedLong(capEff(read(withNetAdmin.sandbox().resolve("stdout"))).get(0), 16);
    assertThat(plainCaps & netAdmin).isZero();
    assertThat(netAdminCaps).isEqualTo(plainCaps | netAdmin);

    Future<StartedContainer> run = docker.run(privileged);
    try {
      await(run);
    } catch (ExecutionException e) {
      // Where the host itself lacks a capability (this machine lacks CAP_SYS_RESOURCE), runc cannot
      // grant a privileged container all of them and refuses to start it; an unprivileged one starts.
      assertThat(e.getCause()).isInstanceOf(DockerEngineException.class).hasMessageContaining("unable to apply caps");
      return;
    }
    await(docker.awaitExit(privileged.containerName()));
    await(run.result().output());
    long privilegedCaps = Long.parseUnsignedLong(capEff(read(privileged.sandbox().resolve("stdout"))).get(0), 16);
    assertThat(privilegedCaps & netAdminCaps).isEqualTo(netAdminCaps);
    assertThat(privilegedCaps).isNotEqualTo(plainCaps);
  }

  @Test
  void aContainerOverItsMemoryLimitIsOomKilled() throws Exception {
    // The shell holds the 64 MB command substitution in memory; the limit is 16 MB (and the
    // machine has no swap, which Docker would otherwise add as much of again).
    DockerLaunch launch = launch(agentId, image(),
        shell("x=$(head -c 64000000 /dev/zero | tr '\\0' a); echo ${#x}"), "cpus:0.5;mem:16");

    ContainerExit exit = runToExit(launch);

    assertThat(exit.oomKilled()).isTrue();
    assertThat(exit.exitCode()).isEqualTo(137);
    assertThat(read(launch.sandbox().resolve("stdout"))).doesNotContain("64000000");
  }

  @Test
  void withinItsLimitTheSameCommandIsNotOomKilled() throws Exception {
    DockerLaunch launch = launch(agentId, image(),
        shell("x=$(head -c 1000000 /dev/zero | tr '\\0' a); echo ${#x}"), "cpus:0.5;mem:64");

    assertThat(runToExit(launch)).isEqualTo(new ContainerExit(0, false));
    assertThat(read(launch.sandbox().resolve("stdout"))).isEqualTo("1000000\n");
  }

  @Test
  void aStoppedContainerIsKilledAfterItsGracePeriod() throws Exception {
    StartedContainer started = await(docker.run(launch(image(), shell("sleep 600"))));
    assertThat(await(docker.inspect(started.name())).running()).isTrue();

    long begin = System.nanoTime();
    await(docker.stop(started.name(), Duration.ofSeconds(1)));
    ContainerExit exit = await(docker.awaitExit(started.name()));
    Duration took = Duration.ofNanos(System.nanoTime() - begin);

    // PID 1 ignores SIGTERM it has no handler for, so SIGKILL ends it after the grace period.
    assertThat(exit).isEqualTo(new ContainerExit(137, false));
    assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
    await(started.output());
    assertThat(await(docker.inspect(started.name())).running()).isFalse();
    // Stopping a stopped container is no error.
    await(docker.stop(started.name(), Duration.ofSeconds(1)));
  }

  @Test
  void aKilledContainerEndsAtOnceAndKillingItAgainIsTheEnginesConflict() throws Exception {
    StartedContainer started = await(docker.run(launch(image(), shell("trap '' TERM; sleep 600"))));

    await(docker.kill(started.id()));
    assertThat(await(docker.awaitExit(started.id())).exitCode()).isEqualTo(137);

    Throwable again = failure(docker.kill(started.id()));
    assertThat(again).isInstanceOf(DockerEngineException.class);
    assertThat(((DockerEngineException) again).status()).isEqualTo(409);
    assertThat(again.getMessage()).contains("is not running");
  }

  @Test
  void containersAreListedBackByTheirAgentsLabel() throws Exception {
    DockerLaunch mine = launch(image(), shell("sleep 600"));
    DockerLaunch finished = launch(image(), shell("true"));
    DockerLaunch theirs = launch(otherAgentId, image(), shell("true"), "");
    await(docker.run(mine));
    runToExit(finished);
    runToExit(theirs);

    List<ContainerSummary> listed = await(docker.list(agentId));

    assertThat(listed).extracting(ContainerSummary::name)
        .containsExactlyInAnyOrder(mine.containerName(), finished.containerName());
    ContainerSummary running = listed.stream().filter(c -> c.name().equals(mine.containerName())).findFirst()
        .orElseThrow();
    assertThat(running.running()).isTrue();
    assertThat(running.image()).isEqualTo(IMAGE);
    assertThat(running.labels()).containsAllEntriesOf(Map.of(
        ContainerLabels.AGENT_ID, agentId,
        ContainerLabels.FRAMEWORK_ID, "fw-1",
        ContainerLabels.EXECUTOR_ID, mine.executorId(),
        ContainerLabels.TASK_ID, mine.taskId().orElseThrow(),
        ContainerLabels.CONTAINER_ID, mine.containerId()));
    assertThat(await(docker.list(otherAgentId))).extracting(ContainerSummary::name)
        .containsExactly(theirs.containerName());
  }

  @Test
  void aRecoveredContainersOutputCanBeFollowedAgain() throws Exception {
    DockerLaunch launch = launch(image(), shell("sleep 2; echo after-recovery"));
    StartedContainer started = await(docker.run(launch));
    Path recoveredSandbox = workDir.resolve("recovered");

    Future<Void> followed = docker.followOutput(started.name(), recoveredSandbox);
    await(docker.awaitExit(started.name()));
    await(followed);

    assertThat(read(recoveredSandbox.resolve("stdout"))).isEqualTo("after-recovery\n");
    assertThat(read(recoveredSandbox.resolve("stderr"))).isEmpty();
  }

  @Test
  void aMissingImageIsPulledAndAFailedPullSaysWhy() throws Exception {
    // Mesos pulls a missing image without force_pull_image. A registry on a closed loopback port: the
    // engine tries and fails without leaving the machine.
    DockerLaunch launch = launch(DockerInfo.newBuilder().setImage("127.0.0.1:1/vmesos/not-here:never"), shell("true"));

    Throwable error = failure(docker.run(launch));

    assertThat(error).isInstanceOf(DockerException.class)
        .hasMessageStartingWith("Docker pull of image '127.0.0.1:1/vmesos/not-here:never' failed: ")
        .hasMessageContaining("127.0.0.1:1");
    assertThat(await(docker.list(agentId))).isEmpty();
  }

  @Test
  void aForcedPullThatFailsSaysWhy() throws Exception {
    // A registry on a closed loopback port: the engine tries and fails without leaving the machine.
    DockerLaunch launch = launch(DockerInfo.newBuilder().setImage("127.0.0.1:1/vmesos/never-pushed:1")
        .setForcePullImage(true), shell("true"));

    Throwable error = failure(docker.run(launch));

    assertThat(error).isInstanceOf(DockerException.class)
        .hasMessageStartingWith("Docker pull of image '127.0.0.1:1/vmesos/never-pushed:1' failed: ")
        .hasMessageContaining("127.0.0.1:1");
    assertThat(await(docker.list(agentId))).isEmpty();
  }

  @Test
  void bridgeNetworkingIsRefusedBeforeAnythingIsCreated() throws Exception {
    DockerLaunch launch = launch(image().setNetwork(DockerInfo.Network.BRIDGE), shell("true"));

    Throwable error = failure(docker.run(launch));

    assertThat(error).isExactlyInstanceOf(DockerException.class)
        .hasMessage("Docker network mode BRIDGE is not supported by this agent: only HOST is");
    assertThat(await(docker.list(agentId))).isEmpty();
    assertThat(launch.sandbox()).doesNotExist();
  }

  @Test
  void aContainerThatCannotStartIsRemovedAndTheEnginesErrorReported() throws Exception {
    CommandInfo missing = CommandInfo.newBuilder().setShell(false).setValue("/no/such/program").build();

    Throwable error = failure(docker.run(launch(image(), missing)));

    assertThat(error).isInstanceOf(DockerEngineException.class).hasMessageContaining("/no/such/program");
    assertThat(((DockerEngineException) error).operation()).startsWith("Docker start of container mesos-");
    assertThat(await(docker.list(agentId))).isEmpty();
  }

  @Test
  void callsFromAThreadWithoutAContextAllComplete() throws Exception {
    // A response must be read on the context that receives it. Done from a plain thread such as
    // this one, it could be delivered before anyone listened, and the call would never complete.
    // The window is small: with that bug, this loop hung in about two runs of three.
    StartedContainer started = await(docker.run(launch(image(), shell("sleep 600"))));
    for (int i = 0; i < 1000; i++) {
      assertThat(docker.list(agentId).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS))
          .hasSize(1);
      assertThat(docker.inspect(started.id()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)
          .running()).isTrue();
    }
  }

  @Test
  void engineErrorsCarryTheirStatus() throws Exception {
    Throwable error = failure(docker.inspect("mesos-" + UUID.randomUUID()));

    assertThat(error).isInstanceOf(DockerEngineException.class).hasMessageContaining("No such container");
    assertThat(((DockerEngineException) error).status()).isEqualTo(404);
  }

  @Test
  void anUnreachableEngineIsSaidToBe(Vertx vertx) throws Exception {
    DockerEngine nowhere = DockerEngine.create(vertx, DockerOptions.defaults().withSocketPath(
        workDir.resolve("no-docker.sock").toString()));

    Throwable error = failure(nowhere.ping());

    assertThat(error).isExactlyInstanceOf(DockerException.class)
        .hasMessageStartingWith("Docker engine is not reachable at " + workDir.resolve("no-docker.sock"));
    await(nowhere.close());
  }
}
