package dev.vmesos.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.ExecutorToFrameworkMessage;
import dev.vmesos.api.internal.Internal.ExitedExecutor;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The leading master as the custom-executor tests need it: registers the agent, answers pings,
 * records status updates (acknowledging them unless told not to), executor messages and exited
 * executors.
 */
final class ExecutorFakeMaster {

  static final String AGENT_ID = "agent-x";

  private final Vertx vertx;
  final BlockingQueue<Message> registrations = new LinkedBlockingQueue<>();
  final BlockingQueue<StatusUpdate> updates = new LinkedBlockingQueue<>();
  final BlockingQueue<ExecutorToFrameworkMessage> messages = new LinkedBlockingQueue<>();
  final BlockingQueue<ExitedExecutor> exited = new LinkedBlockingQueue<>();
  final BlockingQueue<Ping> pings = new LinkedBlockingQueue<>();
  private volatile boolean autoAcknowledge = true;
  private volatile boolean knowsAgent = true;

  ExecutorFakeMaster(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Void> start() {
    return vertx.eventBus().consumer(Addresses.MASTER_LEADER, message -> {
      Object body = message.body();
      if (body instanceof RegisterAgent || body instanceof ReregisterAgent) {
        registrations.add((Message) body);
        knowsAgent = true;
        message.reply(AgentRegistered.newBuilder()
            .setAgentId(AgentID.newBuilder().setValue(AGENT_ID))
            .setMasterInfo(MasterInfo.newBuilder().setId("master-1").setIp(0x7f000001).setPort(5050))
            .setPingIntervalSeconds(0.1)
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
      } else if (body instanceof ExecutorToFrameworkMessage executorMessage) {
        messages.add(executorMessage);
      } else if (body instanceof ExitedExecutor exitedExecutor) {
        exited.add(exitedExecutor);
      } else {
        message.fail(500, "fake master does not handle " + body);
      }
    }).completion();
  }

  void withholdAcknowledgements() {
    autoAcknowledge = false;
  }

  void forgetAgent() {
    knowsAgent = false;
  }

  void acknowledge(StatusUpdate update) {
    vertx.eventBus().send(Addresses.agent(AGENT_ID), StatusUpdateAcknowledgement.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(AGENT_ID))
        .setFrameworkId(update.getFrameworkId())
        .setTaskId(update.getStatus().getTaskId())
        .setUuid(update.getStatus().getUuid())
        .build());
  }

  Future<io.vertx.core.eventbus.Message<Object>> request(Object body) {
    return vertx.eventBus().request(Addresses.agent(AGENT_ID), body);
  }

  void send(Object body) {
    vertx.eventBus().send(Addresses.agent(AGENT_ID), body);
  }

  void awaitRegistered() throws InterruptedException {
    assertThat(pings.poll(10, TimeUnit.SECONDS)).as("a ping from the registered agent").isNotNull();
  }

  StatusUpdate nextUpdate() throws InterruptedException {
    return nextUpdate(15_000);
  }

  StatusUpdate nextUpdate(long timeoutMillis) throws InterruptedException {
    StatusUpdate update = updates.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    assertThat(update).as("a status update within %d ms", timeoutMillis).isNotNull();
    return update;
  }

  ExecutorToFrameworkMessage nextMessage() throws InterruptedException {
    ExecutorToFrameworkMessage message = messages.poll(15, TimeUnit.SECONDS);
    assertThat(message).as("an executor message within 15 s").isNotNull();
    return message;
  }

  ExitedExecutor nextExited() throws InterruptedException {
    ExitedExecutor exitedExecutor = exited.poll(15, TimeUnit.SECONDS);
    assertThat(exitedExecutor).as("an ExitedExecutor within 15 s").isNotNull();
    return exitedExecutor;
  }
}
