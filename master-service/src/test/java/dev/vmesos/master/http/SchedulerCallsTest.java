package dev.vmesos.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.KillTask;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.internal.Internal.StatusUpdateAcknowledgement;
import dev.vmesos.api.recordio.RecordIODecoder;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.Filters;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every scheduler call over real HTTP (protobuf), against a MasterVerticle with a fake agent on the
 * event bus that runs tasks by reporting updates; and the bad inputs of each call.
 */
@ExtendWith(io.vertx.junit5.VertxExtension.class)
class SchedulerCallsTest {

  private Vertx vertx;
  private HttpClientAgent http;
  private io.vertx.core.Context clientContext;
  private int port;
  private String agentId;
  private final List<Object> agentInbox = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicBoolean agentUp = new java.util.concurrent.atomic.AtomicBoolean(true);
  private AgentInfo agentInfo;
  private io.vertx.core.eventbus.MessageConsumer<Object> agentConsumer;
  /** Every launch the master has sent (or tried to send) to the agent's address. */
  private final java.util.concurrent.atomic.AtomicInteger launchesSent = new java.util.concurrent.atomic.AtomicInteger();

  /** A subscribed framework: its stream and ids. */
  private final class Scheduler {
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final HttpClientResponse response;
    final String streamId;
    final FrameworkID frameworkId;
    final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

    Scheduler(FrameworkInfo info) throws Exception {
      Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
          .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info));
      if (info.hasId()) {
        call.setFrameworkId(info.getId());
      }
      Call subscribe = call.build();
      RecordIODecoder decoder = new RecordIODecoder();
      response = onContext(() -> http.request(options()).compose(r -> r.send(Buffer.buffer(subscribe.toByteArray())))
          .map(resp -> {
            resp.handler(chunk -> decoder.decode(chunk.getBytes()).forEach(b -> events.add(parse(b))));
            resp.endHandler(v -> ended.set(true));
            return resp;
          })).await(10, TimeUnit.SECONDS);
      streamId = response.getHeader("Mesos-Stream-Id");
      frameworkId = next(Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId();
    }

    int call(Call.Builder call) throws Exception {
      return post(call.setFrameworkId(frameworkId).build(), streamId);
    }

    Event next(Event.Type type) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        Event event = events.poll(50, TimeUnit.MILLISECONDS);
        if (event != null && event.getType() == type) {
          return event;
        }
      }
      throw new AssertionError("no " + type + " within 10 s");
    }

    /**
     * The next event of each of {@code types}, in whichever order they come (a launch's UPDATE and
     * the OFFERS of what it left may cross); other events are skipped.
     */
    java.util.Map<Event.Type, Event> nextOfEach(Event.Type... types) throws InterruptedException {
      java.util.Map<Event.Type, Event> found = new java.util.EnumMap<>(Event.Type.class);
      java.util.Set<Event.Type> wanted = java.util.EnumSet.copyOf(List.of(types));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (found.size() < wanted.size() && System.nanoTime() < deadline) {
        Event event = events.poll(50, TimeUnit.MILLISECONDS);
        if (event != null && wanted.contains(event.getType())) {
          found.putIfAbsent(event.getType(), event);
        }
      }
      if (found.size() < wanted.size()) {
        throw new AssertionError("no " + wanted + " within 10 s, got " + found.keySet());
      }
      return found;
    }

    boolean nothingOfType(Event.Type type, Duration within) throws InterruptedException {
      long deadline = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < deadline) {
        Event event = events.poll(20, TimeUnit.MILLISECONDS);
        if (event != null && event.getType() == type) {
          return false;
        }
      }
      return true;
    }
  }

  private static Event parse(byte[] bytes) {
    return WireCodec.decode(bytes, MediaType.PROTOBUF, Event.getDefaultInstance());
  }

  private RequestOptions options() {
    return new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/api/v1/scheduler").putHeader("Content-Type", "application/x-protobuf")
        .putHeader("Accept", "application/x-protobuf");
  }

  private int post(Call call, String streamId) throws Exception {
    RequestOptions options = options();
    if (streamId != null) {
      options.putHeader("Mesos-Stream-Id", streamId);
    }
    return onContext(() -> http.request(options).compose(r -> r.send(Buffer.buffer(call.toByteArray())))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))).await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    MasterVerticle master = new MasterVerticle(MasterConfig.defaults().withPort(0)
        .withAgentPing(Duration.ofMillis(200), 3));
    vertx.deployVerticle(master).await(20, TimeUnit.SECONDS);
    port = master.actualPort();
    http = vertx.createHttpClient(new io.vertx.core.http.PoolOptions().setHttp1MaxSize(16));
    clientContext = vertx.getOrCreateContext();
    AgentRegistered registered = vertx.eventBus().<AgentRegistered>request(Addresses.MASTER_LEADER,
        RegisterAgent.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("127.0.0.1").setPort(5051)
            .addAllResources(ResourcesParser.parse("cpus:4;mem:4096").toList())).build())
        .await(10, TimeUnit.SECONDS).body();
    agentId = registered.getAgentId().getValue();
    agentInfo = AgentInfo.newBuilder().setHostname("127.0.0.1").setPort(5051)
        .setId(registered.getAgentId()).addAllResources(ResourcesParser.parse("cpus:4;mem:4096").toList()).build();
    // The fake agent pings the master while it is "up", as MasterLink does.
    vertx.setPeriodic(100, id -> {
      if (agentUp.get()) {
        vertx.eventBus().request(Addresses.MASTER_LEADER, dev.vmesos.api.internal.Internal.Ping.newBuilder()
            .setAgentId(AgentID.newBuilder().setValue(agentId)).build());
      }
    });
    vertx.eventBus().addOutboundInterceptor(delivery -> {
      if (Addresses.agent(agentId).equals(delivery.message().address())
          && delivery.message().body() instanceof RunTask) {
        launchesSent.incrementAndGet();
      }
      delivery.next();
    });
    consumeAgentAddress();
  }

  /** The fake agent: records what it is told; runs tasks by reporting TASK_RUNNING; kills by TASK_KILLED. */
  private void consumeAgentAddress() throws Exception {
    agentConsumer = vertx.eventBus().<Object>consumer(Addresses.agent(agentId), message -> {
      // The master wraps what it sends agents for the agent bus's JSON frames.
      Object body = dev.vmesos.api.bus.BusEnvelope.unwrap(message.body());
      agentInbox.add(body);
      if (message.replyAddress() != null) {
        message.reply(Ack.getDefaultInstance());
      }
      if (body instanceof RunTask run) {
        report(run.getFrameworkInfo().getId(), run.getTask().getTaskId(), TaskState.TASK_RUNNING);
      } else if (body instanceof dev.vmesos.api.internal.Internal.RunTaskGroup group) {
        group.getTaskGroup().getTasksList().forEach(t ->
            report(group.getFrameworkInfo().getId(), t.getTaskId(), TaskState.TASK_RUNNING));
      } else if (body instanceof KillTask kill) {
        report(kill.getFrameworkId(), kill.getTaskId(), TaskState.TASK_KILLED);
      }
    });
    agentConsumer.completion().await(10, TimeUnit.SECONDS);
  }

  private void report(FrameworkID frameworkId, TaskID taskId, TaskState state) {
    UUID uuid = UUID.randomUUID();
    ByteString bytes = ByteString.copyFrom(java.nio.ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array());
    vertx.eventBus().request(Addresses.MASTER_LEADER, StatusUpdate.newBuilder().setFrameworkId(frameworkId)
        .setAgentId(AgentID.newBuilder().setValue(agentId))
        .setStatus(TaskStatus.newBuilder().setTaskId(taskId).setState(state).setUuid(bytes)
            .setSource(TaskStatus.Source.SOURCE_EXECUTOR).setAgentId(AgentID.newBuilder().setValue(agentId)))
        .build());
  }

  private static FrameworkInfo info(String name) {
    return FrameworkInfo.newBuilder().setUser("u").setName(name).build();
  }

  private static Call.Builder launch(Offer offer, String taskId, String resources, String command) {
    return Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(TaskInfo.newBuilder().setName(taskId)
                .setTaskId(TaskID.newBuilder().setValue(taskId)).setAgentId(offer.getAgentId())
                .setCommand(CommandInfo.newBuilder().setValue(command))
                .addAllResources(ResourcesParser.parse(resources).toList()))))
        .setFilters(Filters.newBuilder().setRefuseSeconds(0)));
  }

  @Test
  void everyCallIsAcceptedAndHasItsEffect() throws Exception {
    Scheduler s = new Scheduler(info("all-calls"));
    Offer offer = s.next(Event.Type.OFFERS).getOffers().getOffers(0);
    assertThat(offer.getUrl().getAddress().getPort()).as("Offer.url").isEqualTo(5051);

    assertThat(s.call(launch(offer, "t1", "cpus:1;mem:128", "sleep 60"))).isEqualTo(202);
    TaskStatus running = s.next(Event.Type.UPDATE).getUpdate().getStatus();
    assertThat(running.getState()).isEqualTo(TaskState.TASK_RUNNING);

    assertThat(s.call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
        .setAgentId(running.getAgentId()).setTaskId(running.getTaskId()).setUuid(running.getUuid()))))
        .isEqualTo(202);
    assertThat(s.call(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.getDefaultInstance())))
        .isEqualTo(202);
    assertThat(s.next(Event.Type.UPDATE).getUpdate().getStatus().getReason())
        .isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);

    assertThat(s.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue("t1"))))).isEqualTo(202);
    assertThat(s.next(Event.Type.UPDATE).getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_KILLED);

    Offer second = s.next(Event.Type.OFFERS).getOffers().getOffers(0);
    assertThat(s.call(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder()
        .addOfferIds(second.getId()).setFilters(Filters.newBuilder().setRefuseSeconds(3600))))).isEqualTo(202);
    assertThat(s.nothingOfType(Event.Type.OFFERS, Duration.ofMillis(1500))).as("the filter holds").isTrue();
    assertThat(s.call(Call.newBuilder().setType(Call.Type.REVIVE))).isEqualTo(202);
    assertThat(s.next(Event.Type.OFFERS).getOffers().getOffersCount()).isEqualTo(1);
    assertThat(s.call(Call.newBuilder().setType(Call.Type.SUPPRESS))).isEqualTo(202);

    AgentID agent = AgentID.newBuilder().setValue(agentId).build();
    ExecutorID executor = ExecutorID.newBuilder().setValue("e1").build();
    assertThat(s.call(Call.newBuilder().setType(Call.Type.SHUTDOWN)
        .setShutdown(Call.Shutdown.newBuilder().setAgentId(agent).setExecutorId(executor)))).isEqualTo(202);
    assertThat(s.call(Call.newBuilder().setType(Call.Type.MESSAGE).setMessage(Call.Message.newBuilder()
        .setAgentId(agent).setExecutorId(executor).setData(ByteString.copyFromUtf8("x"))))).isEqualTo(202);
    // An executor's message reaches its scheduler as a MESSAGE event.
    vertx.eventBus().send(Addresses.MASTER_LEADER, dev.vmesos.api.internal.Internal.ExecutorToFrameworkMessage
        .newBuilder().setFrameworkId(s.frameworkId).setExecutorId(executor).setAgentId(agent)
        .setData(ByteString.copyFromUtf8("from the executor")).build());
    Event.Message fromExecutor = s.next(Event.Type.MESSAGE).getMessage();
    assertThat(fromExecutor.getData().toStringUtf8()).isEqualTo("from the executor");
    assertThat(fromExecutor.getExecutorId()).isEqualTo(executor);
    assertThat(s.call(Call.newBuilder().setType(Call.Type.REQUEST).setRequest(Call.Request.getDefaultInstance())))
        .isEqualTo(202);
    assertThat(s.call(Call.newBuilder().setType(Call.Type.UPDATE_FRAMEWORK).setUpdateFramework(
        Call.UpdateFramework.newBuilder().setFrameworkInfo(info("renamed").toBuilder().setId(s.frameworkId)))))
        .isEqualTo(200);

    assertThat(s.call(Call.newBuilder().setType(Call.Type.TEARDOWN))).isEqualTo(202);
    awaitEnd(s);
    assertThat(agentInbox).anyMatch(m -> m instanceof StatusUpdateAcknowledgement)
        .anyMatch(m -> m instanceof dev.vmesos.api.internal.Internal.ShutdownExecutor)
        .anyMatch(m -> m instanceof dev.vmesos.api.internal.Internal.FrameworkToExecutorMessage);
  }

  @Test
  void badCallsGetMesosStatusesOrTaskStatesAndChangeNothing() throws Exception {
    Scheduler a = new Scheduler(info("a"));
    Offer offer = a.next(Event.Type.OFFERS).getOffers().getOffers(0);
    Scheduler b = new Scheduler(info("b"));

    // b accepts a's offer: the tasks are lost, a's offer stays a's.
    assertThat(b.call(launch(offer, "stolen", "cpus:1;mem:128", "true"))).isEqualTo(202);
    TaskStatus stolen = b.next(Event.Type.UPDATE).getUpdate().getStatus();
    assertThat(stolen.getState()).isEqualTo(TaskState.TASK_LOST);
    assertThat(stolen.getReason()).isEqualTo(TaskStatus.Reason.REASON_INVALID_OFFERS);
    // b steps aside so that what a gives back comes back to a (b's share is lower).
    assertThat(b.call(Call.newBuilder().setType(Call.Type.SUPPRESS))).isEqualTo(202);

    // Too big, then a duplicate id: TASK_ERROR each.
    assertThat(a.call(launch(offer, "huge", "cpus:64;mem:128", "true"))).isEqualTo(202);
    assertThat(a.next(Event.Type.UPDATE).getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_ERROR);
    Offer again = a.next(Event.Type.OFFERS).getOffers().getOffers(0);
    a.call(launch(again, "dup", "cpus:1;mem:128", "sleep 60"));
    var afterLaunch = a.nextOfEach(Event.Type.UPDATE, Event.Type.OFFERS);
    assertThat(afterLaunch.get(Event.Type.UPDATE).getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    Offer third = afterLaunch.get(Event.Type.OFFERS).getOffers().getOffers(0);
    a.call(launch(third, "dup", "cpus:1;mem:128", "sleep 60"));
    TaskStatus duplicate = a.next(Event.Type.UPDATE).getUpdate().getStatus();
    assertThat(duplicate.getState()).isEqualTo(TaskState.TASK_ERROR);
    assertThat(duplicate.getMessage()).contains("duplicate");

    // Stale and missing stream ids, unknown framework, bad uuid.
    Call revive = Call.newBuilder().setType(Call.Type.REVIVE).setFrameworkId(a.frameworkId).build();
    assertThat(post(revive, b.streamId)).isEqualTo(400);
    assertThat(post(revive, null)).isEqualTo(400);
    assertThat(post(revive.toBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("ghost")).build(),
        a.streamId)).isEqualTo(400);
    assertThat(a.call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(agentId)).setTaskId(TaskID.newBuilder().setValue("dup"))
        .setUuid(ByteString.copyFromUtf8("not-16-bytes"))))).isEqualTo(400);

    // An oversized body is refused before it is parsed.
    int oversized = onContext(() -> http.request(options()).compose(r -> r.send(Buffer.buffer(new byte[65 * 1024 * 1024])))
        .compose(resp -> resp.body().map(x -> resp.statusCode()))).await(30, TimeUnit.SECONDS);
    assertThat(oversized).isEqualTo(413);

    // The master still serves both frameworks.
    assertThat(a.call(Call.newBuilder().setType(Call.Type.REVIVE))).isEqualTo(202);
    assertThat(b.call(Call.newBuilder().setType(Call.Type.REVIVE))).isEqualTo(202);
  }

  @Test
  void anAcceptNamingANegativeScalarIs202WithTaskErrorAndTheAgentIsOfferedAgain() throws Exception {
    Scheduler s = new Scheduler(info("negative"));
    Offer offer = s.next(Event.Type.OFFERS).getOffers().getOffers(0);
    Call.Builder accept = launch(offer, "bad", "mem:128", "true");
    accept.getAcceptBuilder().getOperationsBuilder(0).getLaunchBuilder().getTaskInfosBuilder(0)
        .addResources(dev.vmesos.api.v1.Protos.Resource.newBuilder().setName("cpus")
            .setType(dev.vmesos.api.v1.Protos.Value.Type.SCALAR)
            .setScalar(dev.vmesos.api.v1.Protos.Value.Scalar.newBuilder().setValue(-1)));

    assertThat(s.call(accept)).as("as Mesos: accepted, then TASK_ERROR").isEqualTo(202);

    var after = s.nextOfEach(Event.Type.UPDATE, Event.Type.OFFERS);
    TaskStatus error = after.get(Event.Type.UPDATE).getUpdate().getStatus();
    assertThat(error.getState()).isEqualTo(TaskState.TASK_ERROR);
    assertThat(error.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
    assertThat(error.getMessage()).contains("Invalid scalar resource: value < 0");
    assertThat(dev.vmesos.api.resources.Resources.of(after.get(Event.Type.OFFERS).getOffers().getOffers(0)
        .getResourcesList())).as("the whole agent, offered again").isEqualTo(ResourcesParser.parse("cpus:4;mem:4096"));
  }

  private static Call.Builder launchGroup(Offer offer, dev.vmesos.api.v1.Protos.ExecutorInfo executor,
                                          TaskInfo... tasks) {
    return Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH_GROUP)
            .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder().setExecutor(executor)
                .setTaskGroup(dev.vmesos.api.v1.Protos.TaskGroupInfo.newBuilder().addAllTasks(List.of(tasks)))))
        .setFilters(Filters.newBuilder().setRefuseSeconds(0)));
  }

  private static TaskInfo groupTask(Offer offer, String taskId) {
    return TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
        .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("sleep 60"))
        .addAllResources(ResourcesParser.parse("cpus:0.5;mem:64").toList()).build();
  }

  @Test
  void launchGroupRunsTheGroupUnderItsExecutorOrFailsItWhole() throws Exception {
    Scheduler s = new Scheduler(info("groups"));
    Offer offer = s.next(Event.Type.OFFERS).getOffers().getOffers(0);
    dev.vmesos.api.v1.Protos.ExecutorInfo custom = dev.vmesos.api.v1.Protos.ExecutorInfo.newBuilder()
        .setType(dev.vmesos.api.v1.Protos.ExecutorInfo.Type.CUSTOM)
        .setExecutorId(ExecutorID.newBuilder().setValue("bad-executor"))
        .setCommand(CommandInfo.newBuilder().setValue("my-executor")).build();

    // A CUSTOM executor cannot run a group: both tasks get TASK_ERROR, nothing reaches the agent.
    assertThat(s.call(launchGroup(offer, custom, groupTask(offer, "g1"), groupTask(offer, "g2")))).isEqualTo(202);
    for (int i = 0; i < 2; i++) {
      TaskStatus error = s.next(Event.Type.UPDATE).getUpdate().getStatus();
      assertThat(error.getState()).isEqualTo(TaskState.TASK_ERROR);
      assertThat(error.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_GROUP_INVALID);
      assertThat(error.getMessage()).contains("DEFAULT");
    }
    assertThat(agentInbox).noneMatch(m -> m instanceof dev.vmesos.api.internal.Internal.RunTaskGroup);

    // A DEFAULT executor: the whole group goes to the agent in one message and runs.
    Offer again = s.next(Event.Type.OFFERS).getOffers().getOffers(0);
    dev.vmesos.api.v1.Protos.ExecutorInfo executor = dev.vmesos.api.v1.Protos.ExecutorInfo.newBuilder()
        .setType(dev.vmesos.api.v1.Protos.ExecutorInfo.Type.DEFAULT)
        .setExecutorId(ExecutorID.newBuilder().setValue("default-1"))
        .addAllResources(ResourcesParser.parse("cpus:0.1;mem:32").toList()).build();
    assertThat(s.call(launchGroup(again, executor, groupTask(again, "g3"), groupTask(again, "g4")))).isEqualTo(202);
    List<String> running = new java.util.ArrayList<>();
    for (int i = 0; i < 2; i++) {
      TaskStatus status = s.next(Event.Type.UPDATE).getUpdate().getStatus();
      assertThat(status.getState()).isEqualTo(TaskState.TASK_RUNNING);
      running.add(status.getTaskId().getValue());
    }
    assertThat(running).containsExactlyInAnyOrder("g3", "g4");
    assertThat(agentInbox).filteredOn(m -> m instanceof dev.vmesos.api.internal.Internal.RunTaskGroup)
        .singleElement().satisfies(m -> {
          dev.vmesos.api.internal.Internal.RunTaskGroup group = (dev.vmesos.api.internal.Internal.RunTaskGroup) m;
          assertThat(group.getExecutor().getExecutorId().getValue()).isEqualTo("default-1");
          assertThat(group.getExecutor().getFrameworkId()).isEqualTo(s.frameworkId);
          assertThat(group.getTaskGroup().getTasksCount()).isEqualTo(2);
        });

    // The executor ending is a FAILURE event with its id and status.
    vertx.eventBus().send(Addresses.MASTER_LEADER, dev.vmesos.api.internal.Internal.ExitedExecutor.newBuilder()
        .setFrameworkId(s.frameworkId).setExecutorId(executor.getExecutorId())
        .setAgentId(AgentID.newBuilder().setValue(agentId)).setStatus(0).build());
    Event.Failure failure = s.next(Event.Type.FAILURE).getFailure();
    assertThat(failure.getExecutorId().getValue()).isEqualTo("default-1");
    assertThat(failure.getAgentId().getValue()).isEqualTo(agentId);
    assertThat(failure.getStatus()).isZero();
  }

  @Test
  void aFrameworkThatReturnsWithinItsFailoverTimeoutKeepsItsTasksAndOnePastItIsRemoved() throws Exception {
    FrameworkInfo patient = info("patient").toBuilder().setFailoverTimeout(30).build();
    Scheduler first = new Scheduler(patient);
    Offer offer = first.next(Event.Type.OFFERS).getOffers().getOffers(0);
    first.call(launch(offer, "kept", "cpus:1;mem:128", "sleep 60"));
    assertThat(first.next(Event.Type.UPDATE).getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);

    // The connection drops; the framework comes back with its id within the timeout.
    first.response.request().connection().close();
    Thread.sleep(300);
    Scheduler back = new Scheduler(patient.toBuilder().setId(first.frameworkId).build());
    assertThat(back.frameworkId).isEqualTo(first.frameworkId);
    // It steps aside so that the next framework is offered the rest of the agent.
    Offer rest = back.next(Event.Type.OFFERS).getOffers().getOffers(0);
    assertThat(back.call(Call.newBuilder().setType(Call.Type.SUPPRESS))).isEqualTo(202);
    assertThat(back.call(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder()
        .addOfferIds(rest.getId()).setFilters(Filters.newBuilder().setRefuseSeconds(3600))))).isEqualTo(202);
    assertThat(back.call(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()
        .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("kept"))))))
        .isEqualTo(202);
    assertThat(back.next(Event.Type.UPDATE).getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(agentInbox).noneMatch(m -> m instanceof dev.vmesos.api.internal.Internal.ShutdownFramework);

    // A framework with a 1 s timeout that does not come back is torn down: its tasks are shut down.
    Scheduler hasty = new Scheduler(info("hasty").toBuilder().setFailoverTimeout(1).build());
    Offer hastyOffer = hasty.next(Event.Type.OFFERS).getOffers().getOffers(0);
    hasty.call(launch(hastyOffer, "doomed", "cpus:1;mem:128", "sleep 60"));
    assertThat(hasty.next(Event.Type.UPDATE).getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    hasty.response.request().connection().close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && agentInbox.stream().noneMatch(m ->
        m instanceof dev.vmesos.api.internal.Internal.ShutdownFramework shutdown
            && shutdown.getFrameworkId().equals(hasty.frameworkId))) {
      Thread.sleep(50);
    }
    assertThat(agentInbox).anyMatch(m -> m instanceof dev.vmesos.api.internal.Internal.ShutdownFramework shutdown
        && shutdown.getFrameworkId().equals(hasty.frameworkId));
    // Its calls are now refused, and the patient framework is untouched.
    assertThat(post(Call.newBuilder().setType(Call.Type.REVIVE).setFrameworkId(hasty.frameworkId).build(),
        hasty.streamId)).isEqualTo(400);
    assertThat(back.call(Call.newBuilder().setType(Call.Type.REVIVE))).isEqualTo(202);
  }

  @Test
  void anAgentThatStopsPingingIsLostAndItsReturnIsReconciled() throws Exception {
    FrameworkInfo aware = info("aware").toBuilder().addCapabilities(FrameworkInfo.Capability.newBuilder()
        .setType(FrameworkInfo.Capability.Type.PARTITION_AWARE)).build();
    Scheduler a = new Scheduler(aware);
    Offer offer = a.next(Event.Type.OFFERS).getOffers().getOffers(0);
    a.call(launch(offer, "survivor", "cpus:1;mem:128", "sleep 60"));
    var afterLaunch = a.nextOfEach(Event.Type.UPDATE, Event.Type.OFFERS);
    TaskStatus running = afterLaunch.get(Event.Type.UPDATE).getUpdate().getStatus();
    assertThat(running.getState()).isEqualTo(TaskState.TASK_RUNNING);
    Offer spare = afterLaunch.get(Event.Type.OFFERS).getOffers().getOffers(0);

    Scheduler b = new Scheduler(info("unaware"));
    // b gets nothing (a holds the agent's resources); a's pending offer will be rescinded.
    agentUp.set(false);
    java.util.Map<Event.Type, Event> seen = new java.util.EnumMap<>(Event.Type.class);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (seen.size() < 3 && System.nanoTime() < deadline) {
      Event event = a.events.poll(50, TimeUnit.MILLISECONDS);
      if (event != null && event.getType() != Event.Type.HEARTBEAT) {
        seen.putIfAbsent(event.getType(), event);
      }
    }
    assertThat(seen).containsOnlyKeys(Event.Type.UPDATE, Event.Type.RESCIND, Event.Type.FAILURE);
    TaskStatus unreachable = seen.get(Event.Type.UPDATE).getUpdate().getStatus();
    assertThat(unreachable.getState()).isEqualTo(TaskState.TASK_UNREACHABLE);
    assertThat(unreachable.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REMOVED);
    assertThat(unreachable.hasUnreachableTime()).isTrue();
    assertThat(seen.get(Event.Type.RESCIND).getRescind().getOfferId()).isEqualTo(spare.getId());
    assertThat(seen.get(Event.Type.FAILURE).getFailure().getAgentId().getValue()).isEqualTo(agentId);
    assertThat(b.next(Event.Type.FAILURE).getFailure().hasExecutorId()).isFalse();

    // The agent comes back with the task still running: reconciliation says RUNNING again.
    agentUp.set(true);
    vertx.eventBus().request(Addresses.MASTER_LEADER, dev.vmesos.api.internal.Internal.ReregisterAgent.newBuilder()
        .setAgentInfo(agentInfo).addTasks(dev.vmesos.api.internal.Internal.RunningTask.newBuilder()
            .setFrameworkId(a.frameworkId).setState(TaskState.TASK_RUNNING).setFrameworkInfo(aware.toBuilder()
                .setId(a.frameworkId)).setTask(TaskInfo.newBuilder().setName("survivor")
                .setTaskId(TaskID.newBuilder().setValue("survivor")).setAgentId(offer.getAgentId())
                .setCommand(CommandInfo.newBuilder().setValue("sleep 60"))
                .addAllResources(ResourcesParser.parse("cpus:1;mem:128").toList()))).build())
        .await(10, TimeUnit.SECONDS);
    assertThat(a.call(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()
        .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("survivor"))))))
        .isEqualTo(202);
    TaskStatus reconciled = a.next(Event.Type.UPDATE).getUpdate().getStatus();
    assertThat(reconciled.getTaskId().getValue()).isEqualTo("survivor");
    assertThat(reconciled.getState()).isEqualTo(TaskState.TASK_RUNNING);
    // Its free resources are offered again.
    assertThat(b.call(Call.newBuilder().setType(Call.Type.REVIVE))).isEqualTo(202);
    assertThat(b.next(Event.Type.OFFERS).getOffers().getOffers(0).getAgentId().getValue()).isEqualTo(agentId);
  }

  /**
   * Launches go one way, as in Mesos. A write to an agent address nobody consumes yet (a registering
   * agent binds it a moment after its reply) fails at once, and the launch is sent again until the
   * agent consumes it.
   */
  @Test
  void aLaunchIsSentAgainUntilItsAgentConsumesItsAddress() throws Exception {
    Scheduler s = new Scheduler(info("late-agent"));
    Offer offer = s.next(Event.Type.OFFERS).getOffers().getOffers(0);
    agentConsumer.unregister().await(10, TimeUnit.SECONDS);

    assertThat(s.call(launch(offer, "late", "cpus:1;mem:128", "sleep 60"))).isEqualTo(202);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (launchesSent.get() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(launchesSent.get()).as("RunTask sent again while nobody consumed the address").isGreaterThanOrEqualTo(2);
    assertThat(agentInbox).noneMatch(m -> m instanceof RunTask);

    consumeAgentAddress();
    TaskStatus running = s.next(Event.Type.UPDATE).getUpdate().getStatus();
    assertThat(running.getTaskId().getValue()).isEqualTo("late");
    assertThat(running.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(agentInbox).filteredOn(m -> m instanceof RunTask).hasSize(1);
  }

  /** A launch that never reaches its agent ends TASK_LOST (the framework is not partition-aware). */
  @Test
  void aLaunchThatNeverReachesItsAgentEndsTaskLost() throws Exception {
    Scheduler s = new Scheduler(info("gone-agent"));
    Offer offer = s.next(Event.Type.OFFERS).getOffers().getOffers(0);
    agentConsumer.unregister().await(10, TimeUnit.SECONDS);

    assertThat(s.call(launch(offer, "undelivered", "cpus:1;mem:128", "sleep 60"))).isEqualTo(202);
    TaskStatus lost = s.next(Event.Type.UPDATE).getUpdate().getStatus();
    assertThat(lost.getTaskId().getValue()).isEqualTo("undelivered");
    assertThat(lost.getState()).isEqualTo(TaskState.TASK_LOST);
    assertThat(lost.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_DISCONNECTED);
    assertThat(lost.getMessage()).contains("could not be delivered");
    assertThat(launchesSent.get()).as("attempts before giving up").isGreaterThan(2);
  }

  private static void awaitEnd(Scheduler s) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!s.ended.get() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(s.ended.get()).as("the stream ended").isTrue();
  }
  /**
   * Runs a whole request, from opening it to reading its response, on one Vert.x context: Vert.x 5's
   * HTTP client driven from a plain thread now and then never completes a response it has received.
   */
  private <T> io.vertx.core.Future<T> onContext(java.util.function.Supplier<io.vertx.core.Future<T>> work) {
    return io.vertx.core.Future.future(promise -> clientContext.runOnContext(v -> work.get().onComplete(promise)));
  }
}
