package dev.vmesos.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A scheduler written against the official Mesos 1.11.0 v1 classes and {@code java.net.http}, in both
 * media types, driving a real vmesos process through the scheduler API as it would drive Mesos.
 */
@ExtendWith(VmesosExtension.class)
@Timeout(60)
class HttpSchedulerCompatTest {

  private static final double TASK_CPUS = 0.1;
  private static final double TASK_MEM = 32;

  private static VmesosProcess vmesos;
  private static HttpClient client;

  private final List<HttpFramework> frameworks = new ArrayList<>();

  @BeforeAll
  static void connect(VmesosProcess process) {
    vmesos = process;
    client = SchedulerHttp.newClient();
  }

  @AfterEach
  void tearDownLeftovers() {
    frameworks.forEach(HttpFramework::close);
  }

  private HttpFramework subscribe(Media media, FrameworkInfo info) throws Exception {
    HttpFramework framework = HttpFramework.subscribe(api(media), info, info.getName() + "/" + media);
    frameworks.add(framework);
    return framework;
  }

  private HttpFramework subscribe(Media media, String name) throws Exception {
    return subscribe(media, Calls.framework(name));
  }

  private static SchedulerHttp api(Media media) {
    return new SchedulerHttp(client, vmesos.schedulerUri(), media);
  }

  private static TaskID taskId(String prefix) {
    return TaskID.newBuilder().setValue(prefix + "-" + UUID.randomUUID()).build();
  }

  @Test
  void redirectPointsProtocolRelativelyAtTheLeaderItself() throws Exception {
    for (String path : List.of("/redirect", "/master/redirect")) {
      SchedulerHttp.Reply reply = api(Media.JSON).get(vmesos.uri(path));
      assertThat(reply.status()).as("%s", reply).isEqualTo(307);
      assertThat(reply.header("Location")).as("%s", reply).isEqualTo("//127.0.0.1:" + vmesos.masterPort());
    }
  }

  @ParameterizedTest
  @EnumSource(Media.class)
  void subscribeStreamsSubscribedThenHeartbeatsAndTeardownEndsIt(Media media) throws Exception {
    HttpFramework framework = subscribe(media, "compat-subscribe");
    EventStream events = framework.events();

    assertThat(events.response().headers().firstValue("Content-Length")).as("a stream has no Content-Length")
        .isEmpty();
    assertThat(events.streamId().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(128);
    Event.Subscribed subscribed = framework.subscribed();
    assertThat(subscribed.getHeartbeatIntervalSeconds()).isEqualTo(VmesosProcess.HEARTBEAT_SECONDS);
    assertThat(subscribed.hasMasterInfo()).as("%s", subscribed).isTrue();
    assertThat(subscribed.getMasterInfo().getPort()).isEqualTo(vmesos.masterPort());
    if (media == Media.JSON) {
      // Mesos writes original field names in declaration order, doubles with a fraction.
      String json = new String(events.seen().get(0).record(), StandardCharsets.UTF_8);
      assertThat(json).startsWith("{\"type\":\"SUBSCRIBED\",\"subscribed\":{\"framework_id\":{\"value\":\"")
          .contains("\"heartbeat_interval_seconds\":" + VmesosProcess.HEARTBEAT_SECONDS + ".0");
    }

    // A HEARTBEAT right away (well before one interval), then one every interval.
    events.await(e -> e.getType() == Event.Type.HEARTBEAT, Duration.ofMillis(1500), "first HEARTBEAT");
    long first = System.nanoTime();
    events.await(e -> e.getType() == Event.Type.HEARTBEAT,
        Duration.ofSeconds(2L * VmesosProcess.HEARTBEAT_SECONDS + 1), "second HEARTBEAT");
    assertThat(Duration.ofNanos(System.nanoTime() - first))
        .isGreaterThan(Duration.ofMillis(VmesosProcess.HEARTBEAT_SECONDS * 1000L / 2));

    framework.teardown();
  }

  @ParameterizedTest
  @EnumSource(Media.class)
  void commandTasksRunToFinishedWithEveryUpdateAcknowledged(Media media) throws Exception {
    HttpFramework framework = subscribe(media, "compat-launch");

    // As a pre-1.x client writes resources (role "*"), then in the modern form (no role).
    for (boolean legacyRole : List.of(true, false)) {
      Offer offer = framework.awaitOffer();
      assertThat(offer.hasUrl()).as("offer %s has a url", offer).isTrue();
      assertThat(Calls.scalarIn(offer, "cpus")).isGreaterThanOrEqualTo(TASK_CPUS);
      assertThat(Calls.scalarIn(offer, "mem")).isGreaterThanOrEqualTo(TASK_MEM);
      offer.getResourcesList().forEach(HttpSchedulerCompatTest::assertPreRefinementFormat);

      TaskID task = taskId(legacyRole ? "echo-legacy" : "echo-modern");
      TaskInfo info = Calls.commandTask(task.getValue(), offer, "echo compat", TASK_CPUS, TASK_MEM, legacyRole);
      framework.accepted(Calls.launch(framework.id(), offer, info));

      List<TaskState> states = new ArrayList<>();
      while (states.isEmpty() || states.get(states.size() - 1) != TaskState.TASK_FINISHED) {
        TaskStatus status = framework.awaitUpdate(task);
        assertThat(status.getAgentId()).as("%s", status).isEqualTo(offer.getAgentId());
        assertThat(status.getSource()).as("%s", status).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
        states.add(status.getState());
        framework.acknowledge(status);
        assertThat(states).as("updates of %s so far", task.getValue()).hasSizeLessThan(6);
      }
      assertThat(states).as("updates of %s", task.getValue())
          .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    }
    framework.teardown();
  }

  @ParameterizedTest
  @EnumSource(Media.class)
  void declinedAgentIsNotReofferedWithinTheFilterUntilRevive(Media media) throws Exception {
    HttpFramework framework = subscribe(media, "compat-decline");
    // All of the agent (a previous test's task may still be giving resources back), declined at once.
    List<Offer> offers = framework.awaitOffersOf(VmesosProcess.AGENT_CPUS, VmesosProcess.AGENT_MEM);
    Offer offer = offers.get(0);
    framework.accepted(Calls.decline(framework.id(), offers, 10));

    // The only agent is filtered for 10 s: allocations every 250 ms must not offer it meanwhile.
    Optional<EventStream.Received> early =
        framework.events().poll(e -> e.getType() == Event.Type.OFFERS, Duration.ofMillis(3500));
    assertThat(early).as("an offer inside the 10 s decline filter").isEmpty();

    // REVIVE clears the filter: an offer follows within a few allocation rounds, long before it expires.
    framework.accepted(Calls.revive(framework.id()));
    long revived = System.nanoTime();
    Offer again = framework.awaitOffer();
    assertThat(again.getAgentId()).isEqualTo(offer.getAgentId());
    assertThat(Duration.ofNanos(System.nanoTime() - revived)).as("offer after REVIVE")
        .isLessThan(Duration.ofSeconds(3));
    framework.teardown();
  }

  @ParameterizedTest
  @EnumSource(Media.class)
  void killEndsALongRunningTaskWithKilled(Media media) throws Exception {
    HttpFramework framework = subscribe(media, "compat-kill");
    Offer offer = framework.awaitOffer();
    TaskID task = taskId("sleep");
    framework.accepted(Calls.launch(framework.id(),
        offer, Calls.commandTask(task.getValue(), offer, "sleep 60", TASK_CPUS, TASK_MEM, true)));
    assertThat(framework.followUntil(task, TaskState.TASK_RUNNING)).endsWith(TaskState.TASK_RUNNING);

    framework.accepted(Calls.kill(framework.id(), task, offer.getAgentId()));
    TaskStatus killed = framework.awaitUpdate(task);
    // Without the TASK_KILLING_STATE capability there is no TASK_KILLING first.
    assertThat(killed.getState()).as("%s", killed).isEqualTo(TaskState.TASK_KILLED);
    framework.acknowledge(killed);
    framework.teardown();
  }

  @ParameterizedTest
  @EnumSource(Media.class)
  void reconcileReportsKnownTasksAndUnknownOnesAsLost(Media media) throws Exception {
    HttpFramework framework = subscribe(media, "compat-reconcile");
    Offer offer = framework.awaitOffer();
    TaskID task = taskId("sleep");
    framework.accepted(Calls.launch(framework.id(),
        offer, Calls.commandTask(task.getValue(), offer, "sleep 60", TASK_CPUS, TASK_MEM, false)));
    framework.followUntil(task, TaskState.TASK_RUNNING);

    // Implicit: an empty list asks for every task the master knows of this framework.
    framework.accepted(Calls.reconcile(framework.id(), List.of(), null));
    TaskStatus implicit = framework.awaitUpdate(task);
    assertThat(implicit.getState()).as("%s", implicit).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(implicit.getReason()).as("%s", implicit).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
    assertThat(implicit.hasUuid()).as("reconciliation updates are not to be acknowledged: %s", implicit).isFalse();

    // Explicit, known task on its agent.
    framework.accepted(Calls.reconcile(framework.id(), List.of(task), offer.getAgentId()));
    TaskStatus explicit = framework.awaitUpdate(task);
    assertThat(explicit.getState()).as("%s", explicit).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(explicit.getReason()).as("%s", explicit).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);

    // Explicit, a task the master never saw: TASK_LOST for a framework that is not partition-aware.
    TaskID unknown = taskId("never-launched");
    framework.accepted(Calls.reconcile(framework.id(), List.of(unknown), null));
    TaskStatus lost = framework.awaitUpdate(unknown);
    assertThat(lost.getState()).as("%s", lost).isEqualTo(TaskState.TASK_LOST);
    assertThat(lost.getReason()).as("%s", lost).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
    assertThat(lost.hasUuid()).as("%s", lost).isFalse();

    framework.teardown();
  }

  @ParameterizedTest
  @EnumSource(Media.class)
  void resubscribingFailsTheOldStreamOverToTheNewOne(Media media) throws Exception {
    HttpFramework original = subscribe(media, Calls.framework("compat-failover").toBuilder()
        .setFailoverTimeout(60).build());
    String oldStreamId = original.events().streamId();

    FrameworkInfo again = Calls.framework("compat-failover").toBuilder()
        .setFailoverTimeout(60).setId(original.id()).build();
    HttpFramework failedOver = subscribe(media, again);
    assertThat(failedOver.id()).isEqualTo(original.id());
    assertThat(failedOver.events().streamId()).as("a new stream id").isNotEqualTo(oldStreamId);

    Event error = original.events().await(e -> e.getType() == Event.Type.ERROR, HttpFramework.EVENT_TIMEOUT,
        "ERROR on the failed-over stream").event();
    assertThat(error.getError().getMessage()).isEqualTo("Framework failed over");
    original.events().awaitEnd(Duration.ofSeconds(10));
    original.abandon();

    SchedulerHttp.Reply stale = api(media).call(Calls.revive(original.id()), oldStreamId);
    assertThat(stale.status()).as("a call on the old stream id: %s", stale).isEqualTo(400);
    assertThat(stale.header("Content-Type")).as("%s", stale).startsWith("text/plain");

    failedOver.accepted(Calls.revive(failedOver.id()));
    failedOver.teardown();
  }

  @ParameterizedTest
  @EnumSource(Media.class)
  void subscribeAnswersWithTheAcceptedMediaTypeWhicheverTheRequestUses(Media media) throws Exception {
    // SUBSCRIBE's response follows Accept, not Content-Type; other calls ignore Accept.
    Media other = media == Media.JSON ? Media.PROTOBUF : Media.JSON;
    try (EventStream events = new SchedulerHttp(client, vmesos.schedulerUri(), other)
        .subscribeAccepting(Calls.subscribe(Calls.framework("compat-accept")), media, "compat-accept/" + media)) {
      assertThat(events.response().statusCode()).isEqualTo(200);
      assertThat(events.response().headers().firstValue("Content-Type")).contains(media.type);
      Event first = events.next(HttpFramework.EVENT_TIMEOUT).event();
      assertThat(first.getType()).isEqualTo(Event.Type.SUBSCRIBED);
      SchedulerHttp.Reply reply = new SchedulerHttp(client, vmesos.schedulerUri(), other)
          .call(Calls.teardown(first.getSubscribed().getFrameworkId()), events.streamId());
      assertThat(reply.status()).as("%s", reply).isEqualTo(202);
      events.awaitEnd(Duration.ofSeconds(10));
    }
  }

  @Test
  void jsonWithNullsUnknownKeysAndLegacyRoleSubscribes() throws Exception {
    // As JSON clients in other languages write it: null for unset fields, 0.28-era singular role.
    String body = "{\"type\":\"SUBSCRIBE\",\"framework_id\":null,\"subscribe\":{\"framework_info\":"
        + "{\"user\":\"root\",\"name\":\"compat-nulls\",\"id\":null,\"role\":\"*\",\"hostname\":null,"
        + "\"failover_timeout\":\"0\",\"capabilities\":null,\"labels\":null},\"suppressed_roles\":null},"
        + "\"some_future_field\":{\"x\":1}}";
    try (EventStream events = api(Media.JSON).subscribeRaw(body, "compat-nulls/JSON")) {
      assertThat(events.response().statusCode()).isEqualTo(200);
      Event first = events.next(HttpFramework.EVENT_TIMEOUT).event();
      assertThat(first.getType()).as("%s", first).isEqualTo(Event.Type.SUBSCRIBED);
      SchedulerHttp.Reply reply = api(Media.JSON).call(Calls.teardown(first.getSubscribed().getFrameworkId()),
          events.streamId());
      assertThat(reply.status()).as("%s", reply).isEqualTo(202);
      events.awaitEnd(Duration.ofSeconds(10));
    }
  }

  @Test
  void badRequestsGetTheStatusesMesosAnswersWith() throws Exception {
    SchedulerHttp json = api(Media.JSON);
    String revive = "{\"type\":\"REVIVE\",\"framework_id\":{\"value\":\"compat-unknown\"}}";

    SchedulerHttp.Reply get = json.raw("GET", null);
    assertThat(get.status()).as("%s", get).isEqualTo(405);
    assertThat(get.header("Allow")).as("%s", get).contains("POST");

    assertError(json.raw("POST", revive), 400, "no Content-Type");
    assertError(json.raw("POST", revive, "Content-Type", "text/plain"), 415, "unsupported Content-Type");
    assertError(json.raw("POST", "{not json", "Content-Type", Media.JSON.type), 400, "unparsable body");
    assertError(json.raw("POST", revive, "Content-Type", Media.JSON.type, "Mesos-Stream-Id", UUID.randomUUID().toString()),
        400, "unknown framework");
    assertError(json.raw("POST", new String(Media.JSON.encode(Calls.subscribe(Calls.framework("compat-406"))),
        StandardCharsets.UTF_8), "Content-Type", Media.JSON.type, "Accept", "text/html"), 406, "unacceptable Accept");

    HttpFramework framework = subscribe(Media.JSON, "compat-errors");
    String reviveOwn = new String(Media.JSON.encode(Calls.revive(framework.id())), StandardCharsets.UTF_8);
    assertError(json.raw("POST", reviveOwn, "Content-Type", Media.JSON.type), 400, "no Mesos-Stream-Id");
    String badAck = "{\"type\":\"ACKNOWLEDGE\",\"framework_id\":{\"value\":\"" + framework.id().getValue()
        + "\"},\"acknowledge\":{\"agent_id\":{\"value\":\"a\"},\"task_id\":{\"value\":\"t\"},\"uuid\":\"AAEC\"}}";
    assertError(json.raw("POST", badAck, "Content-Type", Media.JSON.type, "Mesos-Stream-Id", framework.events().streamId()),
        400, "ACKNOWLEDGE whose uuid is not 16 bytes");
    assertError(json.raw("POST", new String(Media.JSON.encode(Calls.subscribe(Calls.framework("compat-errors2"))),
        StandardCharsets.UTF_8), "Content-Type", Media.JSON.type, "Mesos-Stream-Id", framework.events().streamId()),
        400, "SUBSCRIBE carrying a Mesos-Stream-Id");
    framework.teardown();
  }

  /**
   * A framework without RESERVATION_REFINEMENT gets resources in the pre-refinement format, the
   * deprecated {@code role} set ("*" when unreserved); without MULTI_ROLE, no allocation_info.
   */
  @SuppressWarnings("deprecation")
  private static void assertPreRefinementFormat(Resource resource) {
    assertThat(resource.hasRole()).as("legacy role on %s", resource).isTrue();
    assertThat(resource.getRole()).isEqualTo("*");
    assertThat(resource.getReservationsCount()).isZero();
    assertThat(resource.hasAllocationInfo()).as("no allocation_info without MULTI_ROLE: %s", resource).isFalse();
  }

  private static void assertError(SchedulerHttp.Reply reply, int status, String what) {
    assertThat(reply.status()).as("%s: %s", what, reply).isEqualTo(status);
    assertThat(reply.header("Content-Type")).as("%s: %s", what, reply).startsWith("text/plain");
    assertThat(reply.body()).as("%s: %s", what, reply).isNotBlank();
  }
}
