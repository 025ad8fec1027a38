package dev.vmesos.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo.DockerInfo;
import dev.vmesos.api.v1.Protos.Environment;
import dev.vmesos.api.v1.Protos.Parameter;
import dev.vmesos.api.v1.Protos.Volume;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How Mesos's container and command fields become an Engine API create request. */
class ContainerSpecTest {

  private static final Path SANDBOX = Path.of("/var/lib/vmesos/slaves/a1/frameworks/f1/executors/e1/runs/c1");

  private static DockerInfo.Builder docker() {
    return DockerInfo.newBuilder().setImage("vmesos/busybox:local");
  }

  private static DockerLaunch launch(DockerInfo.Builder docker, Optional<CommandInfo> command, String resources) {
    return launch(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(docker), command, resources);
  }

  private static DockerLaunch launch(ContainerInfo.Builder container, Optional<CommandInfo> command, String resources) {
    return new DockerLaunch("c1", "a1", "f1", "e1", Optional.of("t1"), container.build(), command,
        resources.isEmpty() ? Resources.empty() : Resources.parse(resources),
        Map.of("MESOS_TASK_ID", "t1", "MESOS_SANDBOX", SANDBOX.toString()), SANDBOX);
  }

  private static JsonObject body(DockerLaunch launch) {
    return ContainerSpec.of(launch).body();
  }

  private static JsonObject body(DockerInfo.Builder docker) {
    return body(launch(docker, Optional.of(shell("true")), ""));
  }

  private static CommandInfo shell(String value) {
    return CommandInfo.newBuilder().setValue(value).build();
  }

  private static DockerInfo.Builder withParameters(String... keyValues) {
    DockerInfo.Builder docker = docker();
    for (int i = 0; i < keyValues.length; i += 2) {
      docker.addParameters(Parameter.newBuilder().setKey(keyValues[i]).setValue(keyValues[i + 1]));
    }
    return docker;
  }

  private static String refusal(DockerLaunch launch) {
    return ContainerSpec.validate(launch).orElseThrow();
  }

  @Test
  void aShellCommandRunsUnderBinShAsTheEntrypoint() {
    JsonObject body = body(launch(docker(), Optional.of(shell("echo hi && exit 3")), ""));

    assertThat(body.getJsonArray("Entrypoint")).isEqualTo(new JsonArray().add("/bin/sh"));
    assertThat(body.getJsonArray("Cmd")).isEqualTo(new JsonArray().add("-c").add("echo hi && exit 3"));
    assertThat(body.getString("Image")).isEqualTo("vmesos/busybox:local");
  }

  @Test
  void withoutShellAValueReplacesTheEntrypointAndArgumentsAfterArgvZeroFollow() {
    CommandInfo command = CommandInfo.newBuilder().setShell(false).setValue("/bin/echo")
        .addArguments("echo").addArguments("a b").addArguments("c").build();

    JsonObject body = body(launch(docker(), Optional.of(command), ""));

    assertThat(body.getJsonArray("Entrypoint")).isEqualTo(new JsonArray().add("/bin/echo"));
    assertThat(body.getJsonArray("Cmd")).isEqualTo(new JsonArray().add("a b").add("c"));
  }

  @Test
  void withoutShellOrValueArgumentsAreTheCommandAndTheImageEntrypointStays() {
    CommandInfo command = CommandInfo.newBuilder().setShell(false).addArguments("serve").addArguments("--port=1").build();

    JsonObject body = body(launch(docker(), Optional.of(command), ""));

    assertThat(body.containsKey("Entrypoint")).isFalse();
    assertThat(body.getJsonArray("Cmd")).isEqualTo(new JsonArray().add("serve").add("--port=1"));
  }

  @Test
  void noCommandRunsTheImageAsBuilt() {
    JsonObject body = body(launch(docker(), Optional.empty(), ""));
    JsonObject bare = body(launch(docker(), Optional.of(CommandInfo.newBuilder().setShell(false).build()), ""));

    assertThat(body.containsKey("Entrypoint")).isFalse();
    assertThat(body.containsKey("Cmd")).isFalse();
    assertThat(bare.containsKey("Entrypoint")).isFalse();
    assertThat(bare.containsKey("Cmd")).isFalse();
  }

  @Test
  void aShellCommandNeedsAValue() {
    assertThat(refusal(launch(docker(), Optional.of(CommandInfo.getDefaultInstance()), "")))
        .isEqualTo("A shell command needs a 'value'");
  }

  @Test
  void theEnvironmentIsTheAgentsThenTheSandboxMountThenTheCommandsThenParameters() {
    CommandInfo command = CommandInfo.newBuilder().setValue("env")
        .setEnvironment(Environment.newBuilder()
            .addVariables(Environment.Variable.newBuilder().setName("GREETING").setValue("hi"))
            .addVariables(Environment.Variable.newBuilder().setName("MESOS_TASK_ID").setValue("overridden"))
            .addVariables(Environment.Variable.newBuilder().setName("TOKEN").setType(Environment.Variable.Type.SECRET)))
        .build();
    DockerLaunch launch = launch(withParameters("env", "GREETING=from-parameter", "e", "UNSET_ME"),
        Optional.of(command), "");

    JsonArray env = body(launch).getJsonArray("Env");

    assertThat(env.getList()).containsExactlyInAnyOrder(
        "MESOS_TASK_ID=overridden", "MESOS_SANDBOX=/mnt/mesos/sandbox", "GREETING=from-parameter", "UNSET_ME");
  }

  @Test
  void theContainerIsNamedLabelledAndRunsInItsMountedSandbox() {
    ContainerSpec spec = ContainerSpec.of(launch(docker(), Optional.of(shell("true")), ""));

    assertThat(spec.name()).isEqualTo("mesos-c1");
    assertThat(spec.body().getString("WorkingDir")).isEqualTo("/mnt/mesos/sandbox");
    assertThat(spec.body().getJsonObject("Labels").getMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "dev.vmesos.agent_id", "a1", "dev.vmesos.framework_id", "f1", "dev.vmesos.executor_id", "e1",
        "dev.vmesos.task_id", "t1", "dev.vmesos.container_id", "c1"));
    JsonObject host = spec.body().getJsonObject("HostConfig");
    assertThat(host.getString("NetworkMode")).isEqualTo("host");
    assertThat(host.getJsonArray("Binds").getList()).containsExactly(SANDBOX + ":/mnt/mesos/sandbox:rw");
    assertThat(spec.body().getBoolean("Tty")).isFalse();
  }

  @Test
  void anExecutorContainerHasNoTaskLabel() {
    DockerLaunch executor = new DockerLaunch("c2", "a1", "f1", "e1", Optional.empty(),
        ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(docker()).build(),
        Optional.empty(), Resources.empty(), Map.of(), SANDBOX);

    assertThat(body(executor).getJsonObject("Labels").containsKey("dev.vmesos.task_id")).isFalse();
  }

  @Test
  void cpusAndMemBecomeSharesQuotaAndMemoryLimits() {
    // cpus 0.5 -> 512 shares and 50 ms of CPU per 100 ms; mem 16 MB -> 16 MiB.
    JsonObject host = body(launch(docker(), Optional.of(shell("true")), "cpus:0.5;mem:16;disk:100"))
        .getJsonObject("HostConfig");

    assertThat(host.getLong("CpuShares")).isEqualTo(512);
    assertThat(host.getLong("CpuPeriod")).isEqualTo(100_000);
    assertThat(host.getLong("CpuQuota")).isEqualTo(50_000);
    assertThat(host.getLong("Memory")).isEqualTo(16L * 1024 * 1024);
  }

  @Test
  void tinyCpuSharesAndQuotasAreRaisedToTheKernelsMinimums() {
    JsonObject host = body(launch(docker(), Optional.of(shell("true")), "cpus:0.001")).getJsonObject("HostConfig");

    assertThat(host.getLong("CpuShares")).isEqualTo(2);
    assertThat(host.getLong("CpuQuota")).isEqualTo(1_000);
  }

  @Test
  void withoutCpusOrMemThereAreNoLimits() {
    JsonObject host = body(launch(docker(), Optional.of(shell("true")), "")).getJsonObject("HostConfig");

    assertThat(host.containsKey("CpuShares")).isFalse();
    assertThat(host.containsKey("CpuQuota")).isFalse();
    assertThat(host.containsKey("Memory")).isFalse();
  }

  @Test
  void volumesBecomeBindsRelativeToTheSandbox() {
    ContainerInfo.Builder container = ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(docker())
        .addVolumes(Volume.newBuilder().setHostPath("/etc/ssl").setContainerPath("/etc/ssl").setMode(Volume.Mode.RO))
        .addVolumes(Volume.newBuilder().setHostPath("cache").setContainerPath("data").setMode(Volume.Mode.RW));

    JsonArray binds = body(launch(container, Optional.of(shell("true")), "")).getJsonObject("HostConfig")
        .getJsonArray("Binds");

    assertThat(binds.getList()).containsExactly(
        SANDBOX + ":/mnt/mesos/sandbox:rw",
        "/etc/ssl:/etc/ssl:ro",
        SANDBOX + "/cache:/mnt/mesos/sandbox/data:rw");
  }

  @Test
  void volumesWithoutAHostPathAreRefused() {
    ContainerInfo.Builder container = ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(docker())
        .addVolumes(Volume.newBuilder().setContainerPath("/data").setMode(Volume.Mode.RW));

    assertThat(refusal(launch(container, Optional.of(shell("true")), "")))
        .isEqualTo("Volume '/data': only host_path volumes are supported by this agent's Docker containerizer");
  }

  @Test
  void privilegedAndHostnameAreSet() {
    ContainerInfo.Builder container = ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
        .setDocker(docker().setPrivileged(true)).setHostname("web-1");

    JsonObject body = body(launch(container, Optional.of(shell("true")), ""));

    assertThat(body.getJsonObject("HostConfig").getBoolean("Privileged")).isTrue();
    assertThat(body.getString("Hostname")).isEqualTo("web-1");
  }

  @Test
  void onlyHostNetworkingIsSupported() {
    for (DockerInfo.Network mode : List.of(DockerInfo.Network.BRIDGE, DockerInfo.Network.USER, DockerInfo.Network.NONE)) {
      assertThat(refusal(launch(docker().setNetwork(mode), Optional.of(shell("true")), "")))
          .isEqualTo("Docker network mode " + mode + " is not supported by this agent: only HOST is");
    }
    assertThat(ContainerSpec.validate(launch(docker().setNetwork(DockerInfo.Network.HOST), Optional.of(shell("true")), "")))
        .isEmpty();
  }

  @Test
  void portMappingsAreRefusedOnHostNetworking() {
    DockerInfo.Builder docker = docker().addPortMappings(
        DockerInfo.PortMapping.newBuilder().setHostPort(31000).setContainerPort(80));

    assertThat(refusal(launch(docker, Optional.of(shell("true")), ""))).contains("port mappings");
  }

  @Test
  void parametersMapToTheFieldsTheirDockerRunFlagsSet() {
    JsonObject body = body(withParameters(
        "label", "team=blue", "l", "flag",
        "volume", "/srv/data:/data:ro", "v", "/scratch",
        "workdir", "/tmp", "user", "65534:65534", "hostname", "box",
        "memory-swap", "64m", "cpu-shares", "100",
        "add-host", "db.local:10.0.0.1", "cap-add", "NET_ADMIN", "cap-drop", "ALL",
        "privileged", "true", "entrypoint", "/bin/env"));
    JsonObject host = body.getJsonObject("HostConfig");

    assertThat(body.getJsonObject("Labels").getMap()).containsEntry("team", "blue").containsEntry("flag", "");
    assertThat(host.getJsonArray("Binds").getList()).contains("/srv/data:/data:ro");
    assertThat(body.getJsonObject("Volumes").fieldNames()).containsExactly("/scratch");
    assertThat(body.getString("WorkingDir")).isEqualTo("/tmp");
    assertThat(body.getString("User")).isEqualTo("65534:65534");
    assertThat(body.getString("Hostname")).isEqualTo("box");
    assertThat(host.getLong("MemorySwap")).isEqualTo(64L * 1024 * 1024);
    assertThat(host.getLong("CpuShares")).isEqualTo(100);
    assertThat(host.getJsonArray("ExtraHosts").getList()).containsExactly("db.local:10.0.0.1");
    assertThat(host.getJsonArray("CapAdd").getList()).containsExactly("NET_ADMIN");
    assertThat(host.getJsonArray("CapDrop").getList()).containsExactly("ALL");
    assertThat(host.getBoolean("Privileged")).isTrue();
    // A later flag wins, as on the docker command line: the parameter replaces /bin/sh.
    assertThat(body.getJsonArray("Entrypoint")).isEqualTo(new JsonArray().add("/bin/env"));
  }

  @Test
  void shortFlagNamesWorkToo() {
    JsonObject body = body(withParameters("e", "A=1", "w", "/w", "u", "nobody"));

    assertThat(body.getJsonArray("Env").getList()).contains("A=1");
    assertThat(body.getString("WorkingDir")).isEqualTo("/w");
    assertThat(body.getString("User")).isEqualTo("nobody");
  }

  @Test
  void unknownOrMalformedParametersAreRefused() {
    assertThat(refusal(launch(withParameters("network", "bridge"), Optional.of(shell("true")), "")))
        .startsWith("Docker parameter 'network' is not supported by this agent (supported: env/e, label/l");
    assertThat(refusal(launch(withParameters("privileged", "maybe"), Optional.of(shell("true")), "")))
        .isEqualTo("Docker parameter privileged 'maybe' is not true or false");
    assertThat(refusal(launch(withParameters("memory-swap", "lots"), Optional.of(shell("true")), "")))
        .isEqualTo("Docker parameter memory-swap 'lots' is not a size (e.g. 512m, 2g)");
    assertThat(refusal(launch(withParameters("cpu-shares", "1.5"), Optional.of(shell("true")), "")))
        .isEqualTo("Docker parameter cpu-shares '1.5' is not an integer");
    assertThat(refusal(launch(withParameters("label", "dev.vmesos.agent_id=other"), Optional.of(shell("true")), "")))
        .contains("is reserved");
  }

  @Test
  void memorySwapTakesDockerSizes() {
    assertThat(DockerParameters.bytes("memory-swap", "1024")).isEqualTo(1024);
    assertThat(DockerParameters.bytes("memory-swap", "2k")).isEqualTo(2048);
    assertThat(DockerParameters.bytes("memory-swap", "1.5g")).isEqualTo(3L << 29);
    assertThat(DockerParameters.bytes("memory-swap", "64MiB")).isEqualTo(64L << 20);
    assertThat(body(withParameters("memory-swap", "-1")).getJsonObject("HostConfig").getLong("MemorySwap"))
        .isEqualTo(-1);
  }

  @Test
  void forcePullIsCarriedOver() {
    assertThat(ContainerSpec.of(launch(docker().setForcePullImage(true), Optional.of(shell("true")), "")).forcePull())
        .isTrue();
    assertThat(ContainerSpec.of(launch(docker(), Optional.of(shell("true")), "")).forcePull()).isFalse();
  }

  @Test
  void badImagesContainerIdsAndContainerTypesAreRefused() {
    assertThat(refusal(launch(DockerInfo.newBuilder().setImage("has space"), Optional.of(shell("true")), "")))
        .isEqualTo("Docker image 'has space' is not a valid image reference");
    assertThat(refusal(launch(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS), Optional.empty(), "")))
        .isEqualTo("Container type is MESOS, not DOCKER");
    assertThat(refusal(launch(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER), Optional.empty(), "")))
        .isEqualTo("A DOCKER container needs its 'docker' field (DockerInfo)");
    DockerLaunch badId = new DockerLaunch("../x", "a1", "f1", "e1", Optional.empty(),
        ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(docker()).build(),
        Optional.empty(), Resources.empty(), Map.of(), SANDBOX);
    assertThat(refusal(badId)).startsWith("Container id '../x' cannot name a Docker container");
    assertThatThrownBy(() -> ContainerSpec.of(badId)).isInstanceOf(IllegalArgumentException.class);
  }
}
