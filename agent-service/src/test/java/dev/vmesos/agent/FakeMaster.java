package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.LeaderElected;
import dev.vmesos.api.internal.Internal.Ping;
import dev.vmesos.api.internal.Internal.Pong;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.ReregisterAgent;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.internal.Internal.StatusUpdateAcknowledgement;
import dev.vmesos.api.v1.Protos.Address;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.MasterInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the leading master on a local event bus: registers the agent as {@link #AGENT_ID},
 * answers pings, records every status update it receives, replies {@code Ack}, and (unless told
 * not to) acknowledges the update back to the agent as a framework would. Given a leader epoch, it
 * puts it in the {@code vmesos-leader-epoch} header of everything it sends, as a leading master of
 * a group with standbys does; without one (0) it sends no header, as a lone master may.
 */
final class FakeMaster {

  static final String AGENT_ID = "agent-1";
  private static final double PING_INTERVAL_SECONDS = 0.1;
  static final String MASTER_ID = "master-1";

  private final Vertx vertx;
  final BlockingQueue<Message> registrations = new LinkedBlockingQueue<>();
  final BlockingQueue<Ping> pings = new LinkedBlockingQueue<>();
  final BlockingQueue<StatusUpdate> updates = new LinkedBlockingQueue<>();
  final BlockingQueue<dev.vmesos.api.internal.Internal.ExitedExecutor> exitedExecutors = new LinkedBlockingQueue<>();
  private volatile boolean autoAcknowledge = true;
  private volatile boolean knowsAgent = true;
  /** While set, registrations are recorded but answered only by {@link #releaseRegistrations()}. */
  private volatile boolean holdRegistrations;
  private final java.util.List<io.vertx.core.eventbus.Message<Object>> held = new java.util.ArrayList<>();
  private MessageConsumer<Object> consumer;
  private final long epoch;
  private final String masterId;
  private final int port;
  private final double pingIntervalSeconds;

  FakeMaster(Vertx vertx) {
    this(vertx, MASTER_ID, 5050, 0, PING_INTERVAL_SECONDS);
  }

  /**
   * A leading master at 127.0.0.1:{@code port} of the given epoch (0: no epoch header), asking for
   * pings at that interval.
   */
  FakeMaster(Vertx vertx, String masterId, int port, long epoch, double pingIntervalSeconds) {
    this.vertx = vertx;
    this.masterId = masterId;
    this.port = port;
    this.epoch = epoch;
    this.pingIntervalSeconds = pingIntervalSeconds;
  }

  /** Options carrying this master's epoch header, if it has one. */
  DeliveryOptions stamped() {
    DeliveryOptions options = new DeliveryOptions();
    if (epoch > 0) {
      options.addHeader(Addresses.EPOCH_HEADER, Long.toString(epoch));
    }
    return options;
  }

  MasterInfo info() {
    return MasterInfo.newBuilder().setId(masterId).setIp(0x0100007f).setPort(port)
        .setAddress(Address.newBuilder().setIp("127.0.0.1").setHostname("localhost").setPort(port))
        .build();
  }

  Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.MASTER_LEADER, message -> {
      Object body = message.body();
      if (body instanceof RegisterAgent || body instanceof ReregisterAgent) {
        registrations.add((Message) body);
        knowsAgent = true;
        if (holdRegistrations) {
          held.add(message);
          return;
        }
        message.reply(AgentRegistered.newBuilder()
            .setAgentId(AgentID.newBuilder().setValue(AGENT_ID))
            .setMasterInfo(info())
            .setPingIntervalSeconds(pingIntervalSeconds)
            .build(), stamped());
      } else if (body instanceof Ping ping) {
        pings.add(ping);
        message.reply(Pong.newBuilder().setSequence(ping.getSequence()).setRegistered(knowsAgent).build(), stamped());
      } else if (body instanceof StatusUpdate update) {
        updates.add(update);
        message.reply(Ack.getDefaultInstance(), stamped());
        if (autoAcknowledge) {
          acknowledge(update);
        }
      } else if (body instanceof dev.vmesos.api.internal.Internal.ExitedExecutor exited) {
        exitedExecutors.add(exited);
      } else {
        message.fail(500, "fake master does not handle " + body);
      }
    });
    return consumer.completion();
  }

  /** Registrations from now on wait for {@link #releaseRegistrations()} for their answer. */
  void holdRegistrations() {
    holdRegistrations = true;
  }

  /** Answers the registrations held so far, on the event loop, and answers the next ones at once. */
  void releaseRegistrations() {
    vertx.runOnContext(v -> {
      holdRegistrations = false;
      for (io.vertx.core.eventbus.Message<Object> message : held) {
        message.reply(AgentRegistered.newBuilder()
            .setAgentId(AgentID.newBuilder().setValue(AGENT_ID))
            .setMasterInfo(info())
            .setPingIntervalSeconds(pingIntervalSeconds)
            .build(), stamped());
      }
      held.clear();
    });
  }

  /** Stops consuming the leader's address, as a master that died or lost its leadership. */
  Future<Void> stop() {
    return consumer.unregister();
  }

  /** Announces this master's election to every agent, as a new leader does. */
  void announce() {
    vertx.eventBus().publish(Addresses.AGENTS_LEADER_ELECTED,
        LeaderElected.newBuilder().setMasterInfo(info()).setEpoch(epoch).build(), stamped());
  }

  /** Stop acknowledging updates (they are still received and answered with Ack). */
  void withholdAcknowledgements() {
    autoAcknowledge = false;
  }

  void resumeAcknowledgements() {
    autoAcknowledge = true;
  }

  /** Answer the next pings with {@code registered=false}, as a master that lost the agent would. */
  void forgetAgent() {
    knowsAgent = false;
  }

  /** What a framework's ACKNOWLEDGE becomes on its way to the agent. */
  void acknowledge(StatusUpdate update) {
    vertx.eventBus().send(Addresses.agent(AGENT_ID), StatusUpdateAcknowledgement.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(AGENT_ID))
        .setFrameworkId(update.getFrameworkId())
        .setTaskId(update.getStatus().getTaskId())
        .setUuid(update.getStatus().getUuid())
        .build(), stamped());
  }

  /** Sends a request to the agent. */
  Future<io.vertx.core.eventbus.Message<Object>> request(Object body) {
    return vertx.eventBus().request(Addresses.agent(AGENT_ID), body, stamped());
  }

  /** Waits until the agent is registered and consumes its address (it pings only then). */
  void awaitRegistered() throws InterruptedException {
    assertThat(pings.poll(10, TimeUnit.SECONDS)).as("a ping from the registered agent").isNotNull();
  }

  StatusUpdate nextUpdate() throws InterruptedException {
    return nextUpdate(10_000);
  }

  StatusUpdate nextUpdate(long timeoutMillis) throws InterruptedException {
    StatusUpdate update = updates.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    assertThat(update).as("a status update within %d ms", timeoutMillis).isNotNull();
    return update;
  }
}
