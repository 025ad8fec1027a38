package dev.vmesos.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official-protobuf scheduler through HTTP Basic over HTTPS: vmesos started with Mesos's
 * LIBPROCESS_SSL_* variables (certificates from openssl), {@code --authenticate_http_frameworks},
 * {@code --credentials} and a {@code run_tasks} ACL, driven as a Mesos scheduler configured for a
 * secured Mesos master would drive it.
 */
@Timeout(90)
class SecureSchedulerCompatTest {

  private static final String PRINCIPAL = "compat";
  private static final String SECRET = "compat-secret";
  /** compat may run tasks as root (the framework's user) only; nobody else as anyone. */
  private static final String ACLS = "{\"run_tasks\": ["
      + "{\"principals\": {\"values\": [\"compat\"]}, \"users\": {\"values\": [\"root\"]}},"
      + "{\"principals\": {\"type\": \"ANY\"}, \"users\": {\"type\": \"NONE\"}}]}";

  @TempDir
  static Path dir;

  private static VmesosProcess vmesos;
  private static HttpClient https;

  @BeforeAll
  static void start() throws Exception {
    TestCertificates certificates = TestCertificates.create(dir);
    Path credentials = dir.resolve("credentials.json");
    Files.writeString(credentials, "{\"credentials\": [{\"principal\": \"" + PRINCIPAL + "\", \"secret\": \"" + SECRET
        + "\"}, {\"principal\": \"other\", \"secret\": \"other-secret\"}]}");
    vmesos = VmesosProcess.start(Duration.ofSeconds(60), List.of("--authenticate_http_frameworks=true",
        "--authenticate_http_readonly=true", "--authenticate_http_readwrite=true", "--credentials=" + credentials,
        "--acls=" + ACLS), certificates.libprocessEnv());
    https = SchedulerHttp.newClient(certificates.ca());
  }

  @AfterAll
  static void stop() {
    if (vmesos != null) {
      vmesos.close();
    }
  }

  private static SchedulerHttp api(Media media, String authorization) {
    return new SchedulerHttp(https, vmesos.schedulerUri(), media, authorization);
  }

  private static FrameworkInfo framework(String name) {
    return Calls.framework(name).toBuilder().setPrincipal(PRINCIPAL).build();
  }

  @Test
  void theOfficialClientRunsATaskThroughBasicAuthOverHttps() throws Exception {
    assertThat(vmesos.schedulerUri().getScheme()).isEqualTo("https");
    try (HttpFramework framework = HttpFramework.subscribe(api(Media.PROTOBUF, SchedulerHttp.basic(PRINCIPAL, SECRET)),
        framework("compat-secure"), "compat-secure")) {
      Offer offer = framework.awaitOffer();
      TaskID task = TaskID.newBuilder().setValue("secure-echo-" + UUID.randomUUID()).build();
      framework.accepted(Calls.launch(framework.id(), offer,
          Calls.commandTask(task.getValue(), offer, "echo secure", 0.1, 32, false)));
      assertThat(framework.followUntil(task, TaskState.TASK_FINISHED))
          .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);

      // A task as a user the run_tasks ACL does not give compat: TASK_ERROR, REASON_TASK_UNAUTHORIZED.
      Offer next = framework.awaitOffer();
      TaskID denied = TaskID.newBuilder().setValue("as-nobody-" + UUID.randomUUID()).build();
      TaskInfo asNobody = Calls.commandTask(denied.getValue(), next, "id -u", 0.1, 32, false).toBuilder()
          .setCommand(CommandInfo.newBuilder().setValue("id -u").setUser("nobody")).build();
      framework.accepted(Calls.launch(framework.id(), next, asNobody));
      TaskStatus error = framework.awaitUpdate(denied);
      assertThat(error.getState()).isEqualTo(TaskState.TASK_ERROR);
      assertThat(error.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_UNAUTHORIZED);
      assertThat(error.getMessage()).isEqualTo("Not authorized to run tasks as user 'nobody'");

      // The read-only endpoints over HTTPS need a credential too.
      SchedulerHttp.Reply state = api(Media.JSON, null).get(vmesos.uri("/state"));
      assertThat(state.status()).as("%s", state).isEqualTo(401);
      framework.teardown();
    }
  }

  @Test
  void withoutTheRightCredentialTheMasterRefusesAsMesosDoes() throws Exception {
    for (String authorization : java.util.Arrays.asList(null, SchedulerHttp.basic(PRINCIPAL, "guess"),
        SchedulerHttp.basic("nobody", SECRET))) {
      EventStream refused = api(Media.JSON, authorization).subscribe(Calls.subscribe(framework("compat-refused")),
          "compat-refused");
      assertThat(refused.response().statusCode()).isEqualTo(401);
      assertThat(refused.response().headers().firstValue("WWW-Authenticate"))
          .contains("Basic realm=\"mesos-master-scheduler\"");
      refused.close();
    }
    // Authenticated as one principal, claiming another in FrameworkInfo: 400, as Mesos answers.
    EventStream claimed = api(Media.JSON, SchedulerHttp.basic("other", "other-secret"))
        .subscribe(Calls.subscribe(framework("compat-claimed")), "compat-claimed");
    assertThat(claimed.response().statusCode()).isEqualTo(400);
    claimed.close();
    // Plain HTTP on the HTTPS port gets no answer a client could take for the master's.
    Throwable plain = catchThrowable(() -> SchedulerHttp.newClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + vmesos.masterPort() + "/state")).timeout(Duration.ofSeconds(5))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString()));
    assertThat(plain).isInstanceOf(java.io.IOException.class);
  }
}
