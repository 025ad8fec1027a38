package dev.vmesos.deploy.bench;

import com.google.protobuf.ByteString;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.AgentBus;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.KillTask;
import dev.vmesos.api.internal.Internal.LeaderElected;
import dev.vmesos.api.internal.Internal.Ping;
import dev.vmesos.api.internal.Internal.Pong;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.ReregisterAgent;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.RunningTask;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.internal.Internal.StatusUpdateAcknowledgement;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated agent for {@code ./vmesos bench cluster}: the real agent protocol over a real
 * {@link AgentBus} (a bridge connection, or the clustered event bus of the old topology), with an
 * executor that answers at once: every RunTask is TASK_RUNNING straight away, and stays running.
 * It registers, consumes its address, pings, re-registers with what it runs when its connection
 * moves or a new leader announces itself, and sends status updates one way, as the real agent does,
 * resending each (at its pings) until it is acknowledged.
 * Runs on the context it was created on.
 */
final class SimulatedAgent {

  /** Counters shared by every simulated agent of a run. */
  static final class Stats {
    final AtomicLong connected = new AtomicLong();
    final AtomicLong registered = new AtomicLong();
    final AtomicLong reregistered = new AtomicLong();
    final AtomicLong launches = new AtomicLong();
    final AtomicLong unacknowledged = new AtomicLong();
    final AtomicLong resent = new AtomicLong();
    /** When each task's RunTask reached its agent, and when its TASK_RUNNING left (nanoTime), by task id. */
    final java.util.concurrent.ConcurrentHashMap<String, long[]> arrivals = new java.util.concurrent.ConcurrentHashMap<>();
  }

  private static final DeliveryOptions REQUEST = new DeliveryOptions().setSendTimeout(20_000);
  private static final long RESEND_AFTER_NANOS = 10_000_000_000L;

  private final Vertx vertx;
  private final AgentBus bus;
  private final AgentInfo info;
  private final Stats stats;
  private final String instance = UUID.randomUUID().toString();
  /** What it runs, for re-registration: task id → the task and its framework. */
  private final Map<String, Running> running = new HashMap<>();
  /** The frameworks of what it runs, by id (one copy each, not one per task). */
  private final Map<String, FrameworkInfo> frameworks = new HashMap<>();
  /** Updates not yet acknowledged, by uuid, with when they were last sent (nanoTime). */
  private final Map<ByteString, Unacknowledged> pending = new HashMap<>();
  private AgentID id;
  private AgentBus.Subscription consumer;
  private boolean registering;
  /** Registered over the current connection (a retry still pending then has nothing to do). */
  private boolean registeredHere;
  /** Whether a registration of this agent was counted already. */
  private boolean counted;
  private long epoch;
  private long pingTimer = -1;
  private long pingIntervalMs = 15_000;

  SimulatedAgent(Vertx vertx, AgentBus bus, String hostname, int port, String resources, Stats stats) {
    this.vertx = vertx;
    this.bus = bus;
    this.stats = stats;
    this.info = AgentInfo.newBuilder().setHostname(hostname).setPort(port)
        .addAllResources(dev.vmesos.api.resources.Resources.parse(resources).toList()).build();
  }

  io.vertx.core.Future<Void> close() {
    vertx.cancelTimer(pingTimer);
    return bus.close();
  }

  /** Starts on a bus that is connected already (the cluster-member topology). */
  void start() {
    listen();
    register();
  }

  /** Starts on a bridge connection still being made: it registers once {@link #connected()}. */
  void listen() {
    bus.consumer(Addresses.AGENTS_LEADER_ELECTED, this::onLeaderElected);
  }

  /** The bus reached a master: register with it (again). */
  void connected() {
    registeredHere = false;
    register();
  }

  boolean isRegistered() {
    return id != null && !registering;
  }

  private void register() {
    if (registering) {
      return;
    }
    registering = true;
    boolean again = id != null;
    com.google.protobuf.Message request = again
        ? ReregisterAgent.newBuilder().setAgentInfo(info.toBuilder().setId(id))
            .addAllTasks(running.values().stream().map(task -> RunningTask.newBuilder()
                .setFrameworkId(task.framework().getId()).setTask(task.taskInfo())
                .setFrameworkInfo(task.framework()).setState(TaskState.TASK_RUNNING).build()).toList())
            .build()
        : RegisterAgent.newBuilder().setAgentInfo(info).setInstance(instance).build();
    bus.request(Addresses.MASTER_LEADER, request, REQUEST)
        .compose(reply -> {
          AgentRegistered registered = (AgentRegistered) reply.body();
          id = registered.getAgentId();
          pingIntervalMs = (long) (registered.getPingIntervalSeconds() * 1000);
          String header = reply.headers().get(Addresses.EPOCH_HEADER);
          if (header != null) {
            epoch = Math.max(epoch, Long.parseUnsignedLong(header));
          }
          if (consumer == null) {
            consumer = bus.consumer(Addresses.agent(id.getValue()), this::onMessage);
          }
          return consumer.completion();
        })
        .onComplete(done -> {
          registering = false;
          if (done.failed()) {
            vertx.setTimer(500 + ThreadLocalRandom.current().nextInt(1000), t -> {
              if (!registeredHere) {
                register();
              }
            });
            return;
          }
          registeredHere = true;
          // The first registration that completes here counts as one, even when it went out as a
          // re-registration (its first answer came, but the wait for its consumer timed out).
          (counted ? stats.reregistered : stats.registered).incrementAndGet();
          counted = true;
          pending.values().forEach(this::sendUpdate);
          schedulePing();
        });
  }

  private void schedulePing() {
    vertx.cancelTimer(pingTimer);
    pingTimer = vertx.setTimer(Math.max(1000, pingIntervalMs), t -> resendAndPing());
  }

  /** Resends what has waited 10 s for its acknowledgement (the real agent's first retry interval), and pings. */
  private void resendAndPing() {
    long due = System.nanoTime() - RESEND_AFTER_NANOS;
    for (Unacknowledged update : pending.values()) {
      if (update.sent - due < 0) {
        stats.resent.incrementAndGet();
        sendUpdate(update);
      }
    }
    bus.request(Addresses.MASTER_LEADER, Ping.newBuilder().setAgentId(id).build(), REQUEST).onComplete(pong -> {
      if (pong.succeeded() && pong.result().body() instanceof Pong p && !p.getRegistered()) {
        registeredHere = false;
        register();
      } else {
        schedulePing();
      }
    });
  }

  private void onLeaderElected(Message<Object> message) {
    if (message.body() instanceof LeaderElected elected && Long.compareUnsigned(elected.getEpoch(), epoch) > 0
        && id != null) {
      epoch = elected.getEpoch();
      vertx.setTimer(1 + ThreadLocalRandom.current().nextInt(1000), t -> {
        registeredHere = false;
        register();
      });
    }
  }

  private void onMessage(Message<Object> message) {
    Object body = message.body();
    if (message.replyAddress() != null) {
      message.reply(Ack.getDefaultInstance());
    }
    if (body instanceof RunTask run) {
      stats.launches.incrementAndGet();
      stats.arrivals.put(run.getTask().getTaskId().getValue(), new long[] {System.nanoTime()});
      FrameworkInfo framework = frameworks.computeIfAbsent(run.getFrameworkInfo().getId().getValue(),
          f -> run.getFrameworkInfo());
      running.put(run.getTask().getTaskId().getValue(), new Running(framework, run.getTask().toByteString()));
      update(framework, run.getTask().getTaskId(), TaskState.TASK_RUNNING);
    } else if (body instanceof KillTask kill) {
      Running task = running.remove(kill.getTaskId().getValue());
      if (task != null) {
        update(task.framework(), kill.getTaskId(), TaskState.TASK_KILLED);
      }
    } else if (body instanceof StatusUpdateAcknowledgement ack) {
      if (pending.remove(ack.getUuid()) != null) {
        stats.unacknowledged.decrementAndGet();
      }
    }
  }

  private void update(FrameworkInfo framework, TaskID task, TaskState state) {
    UUID uuid = UUID.randomUUID();
    ByteString bytes = ByteString.copyFrom(ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits()).array());
    FrameworkID frameworkId = framework.getId();
    StatusUpdate update = StatusUpdate.newBuilder().setFrameworkId(frameworkId).setAgentId(id)
        .setStatus(TaskStatus.newBuilder().setTaskId(task).setState(state).setAgentId(id)
            .setSource(TaskStatus.Source.SOURCE_EXECUTOR).setUuid(bytes)
            .setTimestamp(System.currentTimeMillis() / 1000.0))
        .build();
    Unacknowledged unacknowledged = new Unacknowledged(update);
    pending.put(bytes, unacknowledged);
    stats.unacknowledged.incrementAndGet();
    sendUpdate(unacknowledged);
  }

  private void sendUpdate(Unacknowledged update) {
    update.sent = System.nanoTime();
    bus.send(Addresses.MASTER_LEADER, update.update);
  }

  /**
   * A task it runs, with its framework (shared by all of that framework's tasks here). The task is
   * kept serialized: one object instead of a tree of them, so that 10,000 simulated agents in one JVM
   * give its collector less to copy (a real agent is one of 10,000 machines); it is read again only
   * to re-register.
   */
  private record Running(FrameworkInfo framework, ByteString task) {

    TaskInfo taskInfo() {
      try {
        return TaskInfo.parseFrom(task);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException("a task kept by this simulated agent cannot be read again", e);
      }
    }
  }

  /** A status update waiting for its acknowledgement. */
  private static final class Unacknowledged {
    final StatusUpdate update;
    long sent;

    Unacknowledged(StatusUpdate update) {
      this.update = update;
    }
  }
}
