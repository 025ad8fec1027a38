package dev.vmesos.master.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.BridgeClient;
import dev.vmesos.api.bus.BusEnvelope;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Credentials;
import dev.vmesos.api.config.Credentials.Credential;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.Ping;
import dev.vmesos.api.internal.Internal.Pong;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.ReregisterAgent;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import dev.vmesos.master.testing.OnContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack the agent bus exists to stop: a process that is not a master, speaking the bridge's
 * frames to a master with or without a credential, tries to run code on an agent or speak for one.
 * A real master with {@code --authenticate_agents}, a real agent connection (a {@link BridgeClient}
 * registered with it) and a raw WebSocket attacker.
 */
class AgentBridgeAttackTest {

  private static final Credential AGENT = new Credential("agent-a", "secret-a");
  private static final Credential OTHER = new Credential("agent-b", "secret-b");

  @TempDir
  Path dir;

  private Vertx vertx;
  private MasterVerticle master;
  private BridgeClient agent;
  private String agentId;
  private final BlockingQueue<Message<Object>> agentInbox = new LinkedBlockingQueue<>();

  @BeforeEach
  void setUp() throws Exception {
    Path credentials = Files.writeString(dir.resolve("credentials"), AGENT.principal() + " " + AGENT.secret() + "\n"
        + OTHER.principal() + " " + OTHER.secret() + "\n");
    vertx = Vertx.vertx();
    ProtobufCodec.install(vertx.eventBus());
    master = new MasterVerticle(MasterConfig.defaults().withPort(0)
        .withAgentAuth(new AgentAuth(true, Optional.of(Credentials.readList("credentials", credentials.toString())))));
    vertx.deployVerticle(master).await(20, TimeUnit.SECONDS);
    agent = OnContext.call(vertx, () -> new BridgeClient(vertx, BridgeClient.Options.of(List.of(masterAddress()),
        Optional.of(AGENT))));
    CompletableFuture<String> connected = new CompletableFuture<>();
    vertx.runOnContext(v -> agent.connectedHandler(connected::complete).start());
    connected.get(10, TimeUnit.SECONDS);
    AgentRegistered registered = (AgentRegistered) OnContext.await(vertx, () -> agent.request(Addresses.MASTER_LEADER,
        RegisterAgent.newBuilder().setAgentInfo(agentInfo()).setInstance("legit").build(), timeout())).body();
    agentId = registered.getAgentId().getValue();
    OnContext.await(vertx, () -> agent.consumer(Addresses.agent(agentId), agentInbox::add).completion());
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void aWrongOrMissingCredentialIsRefusedBeforeAnyFrame() throws Exception {
    for (Optional<String> authorization : List.of(Optional.of(basic(AGENT.principal(), "wrong")),
        Optional.of(basic("nobody", "secret-a")), Optional.<String>empty(), Optional.of("Bearer token"))) {
      Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> connect(authorization));
      while (refused != null && !(refused instanceof UpgradeRejectedException)) {
        refused = refused.getCause();
      }
      assertThat(refused).as("credential %s", authorization).isInstanceOf(UpgradeRejectedException.class);
      assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(401);
    }
    assertThat(master.master().agents()).as("only the legitimate agent").hasSize(1);
  }

  @Test
  void aRunTaskFromANonMasterNeverReachesTheAgent() throws Exception {
    Attacker attacker = new Attacker(connect(Optional.of(basic(OTHER.principal(), OTHER.secret()))));
    RunTask run = RunTask.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("root").setName("evil").setId(FrameworkID.newBuilder().setValue("fw")))
        .setTask(TaskInfo.newBuilder().setName("pwn").setTaskId(TaskID.newBuilder().setValue("pwn"))
            .setAgentId(AgentID.newBuilder().setValue(agentId))
            .setCommand(CommandInfo.newBuilder().setValue("id > /tmp/pwned")))
        .build();

    attacker.send(Addresses.agent(agentId), run, "r.1");
    assertThat(attacker.nextError()).isEqualTo("rejected");
    attacker.send(Addresses.MASTER_LEADER, run, "r.2");
    assertThat(attacker.nextError()).as("a RunTask is not a message agents send").isEqualTo("rejected");
    attacker.publish(Addresses.agent(agentId), run);
    assertThat(attacker.nextError()).isEqualTo("rejected");

    // What a master sends the agent arrives, and it is the only thing that did.
    vertx.eventBus().send(Addresses.agent(agentId), BusEnvelope.wrap(Pong.getDefaultInstance()));
    Message<Object> first = agentInbox.poll(10, TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    assertThat(first.body()).isInstanceOf(Pong.class);
    assertThat(agentInbox).isEmpty();
    assertThat(refusedFrames()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aSubscriptionToAnotherAgentsAddressIsRefused() throws Exception {
    Attacker attacker = new Attacker(connect(Optional.of(basic(OTHER.principal(), OTHER.secret()))));

    attacker.frame(new JsonObject().put("type", "register").put("address", Addresses.agent(agentId)));
    assertThat(attacker.nextError()).isEqualTo("rejected");
    attacker.frame(new JsonObject().put("type", "register").put("address", Addresses.MASTER_LEADER));
    assertThat(attacker.nextError()).isEqualTo("rejected");

    vertx.eventBus().send(Addresses.agent(agentId), BusEnvelope.wrap(Pong.getDefaultInstance()));
    assertThat(agentInbox.poll(10, TimeUnit.SECONDS)).as("the agent gets its message").isNotNull();
    assertThat(attacker.frames).as("the attacker got nothing of the agent's").noneMatch(f -> "rec".equals(f.getString("type")));
  }

  @Test
  void aConnectionCannotSpeakForAnAgentIdThatIsNotItsOwn() throws Exception {
    Attacker attacker = new Attacker(connect(Optional.of(basic(OTHER.principal(), OTHER.secret()))));
    AgentID victim = AgentID.newBuilder().setValue(agentId).build();

    // Unbound, it may not speak for anyone.
    attacker.send(Addresses.MASTER_LEADER, Ping.newBuilder().setAgentId(victim).build(), "r.1");
    assertThat(attacker.nextError()).isEqualTo("rejected");
    attacker.send(Addresses.MASTER_LEADER, StatusUpdate.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("fw"))
        .setAgentId(victim).setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t"))
            .setState(TaskState.TASK_FINISHED).setAgentId(victim)).build(), "r.2");
    assertThat(attacker.nextError()).isEqualTo("rejected");

    // Claiming the id by re-registering under another principal: the leader refuses it.
    attacker.send(Addresses.MASTER_LEADER, ReregisterAgent.newBuilder().setAgentInfo(agentInfo().toBuilder().setId(victim))
        .build(), "r.3");
    JsonObject refusal = attacker.next();
    assertThat(refusal.getString("type")).isEqualTo("err");
    assertThat(refusal.getInteger("failureCode")).isEqualTo(403);

    // Bound to an id of its own, it still may not speak for the victim.
    attacker.send(Addresses.MASTER_LEADER, RegisterAgent.newBuilder().setAgentInfo(agentInfo()).setInstance("attacker")
        .build(), "r.4");
    JsonObject answer = attacker.next();
    assertThat(answer.getString("type")).isEqualTo("rec");
    String ownId = ((AgentRegistered) BusEnvelope.unwrap(answer.getValue("body"))).getAgentId().getValue();
    assertThat(ownId).isNotEqualTo(agentId);
    attacker.send(Addresses.MASTER_LEADER, Ping.newBuilder().setAgentId(victim).build(), "r.5");
    assertThat(attacker.nextError()).isEqualTo("rejected");
    attacker.send(Addresses.MASTER_LEADER, ReregisterAgent.newBuilder().setAgentInfo(agentInfo().toBuilder().setId(victim))
        .build(), "r.6");
    assertThat(attacker.nextError()).isEqualTo("rejected");
    // What it may do: ping as itself.
    attacker.send(Addresses.MASTER_LEADER, Ping.newBuilder().setAgentId(AgentID.newBuilder().setValue(ownId)).build(), "r.7");
    assertThat(BusEnvelope.unwrap(attacker.next().getValue("body"))).isInstanceOf(Pong.class);

    // The victim is still registered, under its own principal, and answers as before.
    Object pong = OnContext.await(vertx, () -> agent.request(Addresses.MASTER_LEADER, Ping.newBuilder().setAgentId(victim).build(),
        timeout())).body();
    assertThat(((Pong) pong).getRegistered()).isTrue();
  }

  // -- helpers --

  private double refusedFrames() throws Exception {
    java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + masterAddress() + "/metrics/snapshot")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return new JsonObject(response.body()).getDouble("master/agent_bus_refused_frames");
  }

  private String masterAddress() {
    return "127.0.0.1:" + master.actualPort();
  }

  private static DeliveryOptions timeout() {
    return new DeliveryOptions().setSendTimeout(10_000);
  }

  private static AgentInfo agentInfo() {
    return AgentInfo.newBuilder().setHostname("127.0.0.1").setPort(5051)
        .addAllResources(Resources.parse("cpus:2;mem:1024").toList()).build();
  }

  private static String basic(String principal, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  private WebSocket connect(Optional<String> authorization) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(master.actualPort())
        .setURI(BridgeClient.PATH);
    authorization.ifPresent(value -> options.addHeader("Authorization", value));
    return client.connect(options).await(10, TimeUnit.SECONDS);
  }



  /** A raw bridge client: what anyone who can reach a master's port can write. */
  private static final class Attacker {
    final WebSocket socket;
    final BlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
    final List<JsonObject> frames = new java.util.concurrent.CopyOnWriteArrayList<>();

    Attacker(WebSocket socket) {
      this.socket = socket;
      socket.binaryMessageHandler(this::received);
      socket.textMessageHandler(text -> received(Buffer.buffer(text)));
    }

    private void received(Buffer bytes) {
      JsonObject frame = new JsonObject(bytes.toString(StandardCharsets.UTF_8));
      frames.add(frame);
      inbox.add(frame);
    }

    void frame(JsonObject frame) {
      socket.writeTextMessage(frame.encode());
    }

    void send(String address, com.google.protobuf.Message body, String replyAddress) {
      frame(new JsonObject().put("type", "send").put("address", address).put("body", BusEnvelope.wrap(body))
          .put("replyAddress", replyAddress));
    }

    void publish(String address, com.google.protobuf.Message body) {
      frame(new JsonObject().put("type", "publish").put("address", address).put("body", BusEnvelope.wrap(body)));
    }

    JsonObject next() throws InterruptedException {
      JsonObject frame = inbox.poll(10, TimeUnit.SECONDS);
      assertThat(frame).as("a frame from the master").isNotNull();
      return frame;
    }

    /** The next frame, which must be the bridge's refusal. */
    String nextError() throws InterruptedException {
      JsonObject frame = next();
      assertThat(frame.getString("type")).as("frame %s", frame).isEqualTo("err");
      return frame.getString("body");
    }
  }
}
