package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vmesos.api.TaskStates;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --switch_user} with a real agent and real processes: tasks and executors run as their
 * command's user, else their framework's, in a sandbox that user owns; a user the host does not
 * have loses the task with the reason, as Mesos's agent does. Needs an agent running as root (the
 * test is skipped otherwise).
 */
@ExtendWith(VertxExtension.class)
class TaskUsersTest {

  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setUser("nobody").setName("users").setId(FrameworkID.newBuilder().setValue("fw-1")).build();

  @TempDir
  Path workDir;

  private Vertx vertx;
  private FakeMaster master;
  private String deployment;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    assumeTrue(uid("root-check").equals("0"), "the agent must run as root to switch users");
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    master = new FakeMaster(vertx);
    await(master.start());
  }

  @AfterEach
  void stop() throws Exception {
    if (deployment != null) {
      await(vertx.undeploy(deployment));
    }
  }

  @Test
  void aTaskRunsAsItsFrameworksUserInASandboxThatUserOwns() throws Exception {
    startAgent();
    String nobody = uidOf("nobody");

    run(FRAMEWORK, task("t", "id -u; id -u > written-by-the-task", null));

    TaskStatus last = terminal();
    assertThat(last.getState()).as(last.getMessage()).isEqualTo(TaskState.TASK_FINISHED);
    Path sandbox = sandboxOf("t");
    assertThat(Files.readString(sandbox.resolve("stdout")).trim()).isEqualTo(nobody);
    assertThat(owner(sandbox.resolve("written-by-the-task"))).isEqualTo(nobody);
    assertThat(owner(sandbox)).isEqualTo(nobody);
    assertThat(owner(sandbox.resolve("stdout"))).isEqualTo(nobody);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sandbox))).isEqualTo("rwxr-x---");
  }

  @Test
  void aCommandsOwnUserWinsOverItsFrameworks() throws Exception {
    startAgent();

    run(FRAMEWORK, task("t", "id -u", "root"));

    assertThat(terminal().getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(Files.readString(sandboxOf("t").resolve("stdout")).trim()).isEqualTo("0");
  }

  @Test
  void aUserTheHostDoesNotHaveLosesTheTaskWithTheReason() throws Exception {
    startAgent();

    run(FRAMEWORK, task("t", "touch should-not-run", "no-such-user-vmesos"));
    TaskStatus lost = terminal();
    run(FRAMEWORK.toBuilder().addCapabilities(FrameworkInfo.Capability.newBuilder()
        .setType(FrameworkInfo.Capability.Type.PARTITION_AWARE)).build(), task("u", "true", "no-such-user-vmesos"));
    TaskStatus dropped = terminal();

    assertThat(lost.getState()).isEqualTo(TaskState.TASK_LOST);
    assertThat(lost.getReason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_TERMINATED);
    assertThat(lost.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
    assertThat(lost.getMessage()).contains("No such user 'no-such-user-vmesos'");
    assertThat(dropped.getState()).isEqualTo(TaskState.TASK_DROPPED);
    try (Stream<Path> all = Files.walk(workDir)) {
      assertThat(all.filter(file -> file.endsWith("should-not-run"))).as("the command never ran").isEmpty();
    }
  }

  @Test
  void aCustomExecutorRunsAsItsFrameworksUserAndAnUnknownUserLosesItsTasks() throws Exception {
    startAgent();
    String nobody = uidOf("nobody");

    run(FRAMEWORK, executorTask("t", "exec-1", null));
    terminal();   // it exits at once without subscribing: its task fails
    run(FRAMEWORK, executorTask("u", "exec-2", "no-such-user-vmesos"));
    TaskStatus lost = terminal();

    assertThat(Files.readString(sandboxOf("exec-1").resolve("stdout")).trim()).isEqualTo(nobody);
    assertThat(lost.getState()).isEqualTo(TaskState.TASK_LOST);
    assertThat(lost.getMessage()).contains("No such user 'no-such-user-vmesos'");
  }

  @Test
  void withSwitchUserFalseTasksRunAsTheAgentsUser() throws Exception {
    startAgent("--switch_user=false");

    run(FRAMEWORK, task("t", "id -u", "no-such-user-vmesos"));

    assertThat(terminal().getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(Files.readString(sandboxOf("t").resolve("stdout")).trim()).isEqualTo("0");
  }

  // ---------------------------------------------------------------------------------------------

  private void startAgent(String... extraFlags) throws Exception {
    List<String> args = new ArrayList<>(List.of("--work_dir=" + workDir, "--port=0", "--isolation=posix/cpu,posix/mem",
        "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]", "--registration_backoff_factor=50ms",
        "--registration_backoff_max=200ms"));
    args.addAll(List.of(extraFlags));
    AgentVerticle agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(args.toArray(String[]::new), Map.of())))
        .overLocalEventBus();
    deployment = await(vertx.deployVerticle(agent));
    master.awaitRegistered();
  }

  private void run(FrameworkInfo framework, TaskInfo task) throws Exception {
    assertThat(await(master.request(RunTask.newBuilder().setFrameworkInfo(framework).setTask(task).build())).body())
        .isInstanceOf(Ack.class);
  }

  private static TaskInfo task(String id, String command, String user) {
    CommandInfo.Builder info = CommandInfo.newBuilder().setValue(command);
    if (user != null) {
      info.setUser(user);
    }
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue(FakeMaster.AGENT_ID)).setCommand(info).build();
  }

  private static TaskInfo executorTask(String id, String executorId, String user) {
    CommandInfo.Builder command = CommandInfo.newBuilder().setValue("id -u");
    if (user != null) {
      command.setUser(user);
    }
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue(FakeMaster.AGENT_ID))
        .setExecutor(ExecutorInfo.newBuilder().setType(ExecutorInfo.Type.CUSTOM)
            .setExecutorId(ExecutorID.newBuilder().setValue(executorId)).setCommand(command))
        .build();
  }

  /** The next terminal update, skipping the ones before it. */
  private TaskStatus terminal() throws Exception {
    while (true) {
      TaskStatus status = master.nextUpdate().getStatus();
      if (TaskStates.isTerminal(status.getState())) {
        return status;
      }
    }
  }

  private Path sandboxOf(String executorId) throws Exception {
    Path runs = workDir.resolve("slaves").resolve(FakeMaster.AGENT_ID).resolve("frameworks").resolve("fw-1")
        .resolve("executors").resolve(executorId).resolve("runs");
    try (Stream<Path> containers = Files.list(runs).filter(run -> !Files.isSymbolicLink(run))) {
      List<Path> all = containers.toList();
      assertThat(all).hasSize(1);
      return all.get(0);
    }
  }

  private static String owner(Path file) throws Exception {
    return Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS).toString();
  }

  private static String uidOf(String user) throws Exception {
    return uid(user);
  }

  /** {@code id -u [user]}; for "root-check", this process's uid. */
  private static String uid(String user) throws Exception {
    Process id = new ProcessBuilder(user.equals("root-check") ? List.of("id", "-u") : List.of("id", "-u", user))
        .redirectErrorStream(true).start();
    String out = new String(id.getInputStream().readAllBytes()).trim();
    assertThat(id.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
