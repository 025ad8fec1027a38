package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.Ping;
import dev.vmesos.api.internal.Internal.Pong;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.ReregisterAgent;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.internal.Internal.StatusUpdateAcknowledgement;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.MasterInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the leading master on a local event bus: registers the agent as {@link #AGENT_ID},
 * answers pings, records every status update it receives, replies {@code Ack}, and (unless told
 * not to) acknowledges the update back to the agent as a framework would.
 */
final class FakeMaster {

  static final String AGENT_ID = "agent-1";
  private static final double PING_INTERVAL_SECONDS = 0.1;

  private final Vertx vertx;
  final BlockingQueue<Message> registrations = new LinkedBlockingQueue<>();
  final BlockingQueue<Ping> pings = new LinkedBlockingQueue<>();
  final BlockingQueue<StatusUpdate> updates = new LinkedBlockingQueue<>();
  final BlockingQueue<dev.vmesos.api.internal.Internal.ExitedExecutor> exitedExecutors = new LinkedBlockingQueue<>();
  private volatile boolean autoAcknowledge = true;
  private volatile boolean knowsAgent = true;
  private MessageConsumer<Object> consumer;

  FakeMaster(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.MASTER_LEADER, message -> {
      Object body = message.body();
      if (body instanceof RegisterAgent || body instanceof ReregisterAgent) {
        registrations.add((Message) body);
        knowsAgent = true;
        message.reply(AgentRegistered.newBuilder()
            .setAgentId(AgentID.newBuilder().setValue(AGENT_ID))
            .setMasterInfo(MasterInfo.newBuilder().setId("master-1").setIp(0x7f000001).setPort(5050))
            .setPingIntervalSeconds(PING_INTERVAL_SECONDS)
            .build());
      } else if (body instanceof Ping ping) {
        pings.add(ping);
        message.reply(Pong.newBuilder().setSequence(ping.getSequence()).setRegistered(knowsAgent).build());
      } else if (body instanceof StatusUpdate update) {
        updates.add(update);
        message.reply(Ack.getDefaultInstance());
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
        .build());
  }

  /** Sends a request to the agent. */
  Future<io.vertx.core.eventbus.Message<Object>> request(Object body) {
    return vertx.eventBus().request(Addresses.agent(AGENT_ID), body);
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
