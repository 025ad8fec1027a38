package dev.vmesos.api.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How an agent's consumer registration behaves when the masters are slow to confirm it: asking
 * again does not send a second register on the same connection (the bridge refuses one with
 * {@code address_already_registered}, and 10,000 agents asking again and again on refusals flooded
 * three masters with 1.5 million frames), and a refusal that says the address is registered
 * already counts as a confirmation. A real WebSocket server on loopback plays the bridge.
 */
class BridgeClientRegistrationTest {

  private final Vertx vertx = Vertx.vertx();
  /** The client's context: everything that touches it runs there, as in an agent. */
  private final Context context = vertx.getOrCreateContext();
  private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<ServerWebSocket> sockets = new LinkedBlockingQueue<>();
  private BridgeClient client;

  @AfterEach
  void close() throws Exception {
    if (client != null) {
      client.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private ServerWebSocket start() throws Exception {
    HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> {
      ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
      sockets.add(ws);
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    client = on(() -> new BridgeClient(vertx, BridgeClient.Options.of(List.of("127.0.0.1:" + server.actualPort()),
        Optional.empty())).start());
    ServerWebSocket socket = sockets.poll(10, TimeUnit.SECONDS);
    assertThat(socket).as("the client connected").isNotNull();
    await("the client sees its connection", () -> on(() -> client.connectedTo().isPresent()));
    return socket;
  }

  private <T> T on(Callable<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(work.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private long registers(String address) {
    return frames.stream().filter(f -> "register".equals(f.getString("type")) && address.equals(f.getString("address")))
        .count();
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(10);  // polling a condition with a deadline
    }
  }

  @Test
  void askingAgainAfterTheWaitTimedOutSendsNoSecondRegisterAndTheLateConfirmationAnswers() throws Exception {
    ServerWebSocket socket = start();
    String address = Addresses.agent("a1");
    AgentBus.Subscription sub = on(() -> client.consumer(address, m -> { }));
    Future<Void> first = on(sub::completion);
    await("the register arrived", () -> registers(address) == 1);
    Throwable timedOut = first.transform(ar -> Future.succeededFuture(ar.cause())).await(20, TimeUnit.SECONDS);
    assertThat(timedOut).as("the masters did not confirm in time").hasMessageContaining("did not confirm");

    Future<Void> second = on(sub::completion);
    socket.writeTextMessage(new JsonObject().put("type", BridgeClient.REGISTERED_FRAME).put("address", address).encode());
    second.await(10, TimeUnit.SECONDS);
    assertThat(on(sub::completion).succeeded()).as("confirmed on this connection").isTrue();

    assertThat(registers(address)).as("one register on one connection").isEqualTo(1);
  }

  @Test
  void alreadyRegisteredCountsAsConfirmedWhileAnotherRefusalIsAFailure() throws Exception {
    ServerWebSocket socket = start();
    String address = Addresses.agent("a2");
    AgentBus.Subscription sub = on(() -> client.consumer(address, m -> { }));

    Future<Void> refused = on(sub::completion);
    await("the register arrived", () -> registers(address) == 1);
    socket.writeTextMessage(new JsonObject().put("type", "err").put("body", "access_denied").encode());
    Throwable failure = refused.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    assertThat(failure).hasMessageContaining("refused the registration").hasMessageContaining("access_denied");

    Future<Void> again = on(sub::completion);
    await("a refused register is sent again", () -> registers(address) == 2);
    socket.writeTextMessage(new JsonObject().put("type", "err").put("body", "address_already_registered").encode());
    again.await(10, TimeUnit.SECONDS);
    assertThat(again.succeeded()).isTrue();
  }
}
