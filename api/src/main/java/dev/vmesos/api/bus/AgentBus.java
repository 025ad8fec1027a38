package dev.vmesos.api.bus;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * An agent's view of the masters' event bus, in event-bus terms: addresses, send, request and
 * reply, with protobuf bodies. Agents are not members of the masters' cluster: the real one is a
 * {@link BridgeClient}, one connection to a master's event-bus bridge. {@link #local} runs on a
 * Vert.x event bus of the agent's own, for tests with a fake master.
 *
 * <p>Not thread-safe: call it from the context it was created on.
 */
public interface AgentBus {

  /** Sends a request; the reply's body is a protobuf message (never an envelope). */
  Future<Message<Object>> request(String address, com.google.protobuf.Message body, DeliveryOptions options);

  /** Sends without waiting for a reply; best effort. */
  void send(String address, com.google.protobuf.Message body);

  /**
   * Consumes an address. Messages' bodies are protobuf messages; replies and {@code fail} travel
   * back to the sender.
   */
  Subscription consumer(String address, Handler<Message<Object>> handler);

  /** Closes the bus (a bridge connection); nothing is delivered afterwards. */
  Future<Void> close();

  /** A consumer of one address. */
  interface Subscription {

    String address();

    /**
     * Completes once the masters deliver this address's messages here. Over a bridge, asking again
     * after the connection moved to another master registers the address there.
     */
    Future<Void> completion();

    Future<Void> unregister();
  }

  /** The agent's bus on a Vert.x event bus it shares with a (fake) master: tests only. */
  static AgentBus local(EventBus eventBus) {
    return new AgentBus() {
      @Override
      public Future<Message<Object>> request(String address, com.google.protobuf.Message body, DeliveryOptions options) {
        return eventBus.request(address, body, options);
      }

      @Override
      public void send(String address, com.google.protobuf.Message body) {
        eventBus.send(address, body);
      }

      @Override
      public Subscription consumer(String address, Handler<Message<Object>> handler) {
        // A master wraps what it sends to agents for the bridge; unwrapped here as the bridge client does.
        MessageConsumer<Object> consumer = eventBus.consumer(address, message -> handler.handle(
            message.body() instanceof io.vertx.core.json.JsonObject ? new Unwrapped(message) : message));
        return new Subscription() {
          @Override
          public String address() {
            return address;
          }

          @Override
          public Future<Void> completion() {
            return consumer.completion();
          }

          @Override
          public Future<Void> unregister() {
            return consumer.unregister();
          }
        };
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }
    };
  }

  /** A message whose body came as an envelope, with the body unwrapped; replies go to the original. */
  final class Unwrapped implements Message<Object> {

    private final Message<Object> message;
    private final Object body;

    Unwrapped(Message<Object> message) {
      this.message = message;
      this.body = BusEnvelope.unwrap(message.body());
    }

    @Override
    public String address() {
      return message.address();
    }

    @Override
    public io.vertx.core.MultiMap headers() {
      return message.headers();
    }

    @Override
    public Object body() {
      return body;
    }

    @Override
    public String replyAddress() {
      return message.replyAddress();
    }

    @Override
    public boolean isSend() {
      return message.isSend();
    }

    @Override
    public void reply(Object reply, DeliveryOptions options) {
      message.reply(reply, options);
    }

    @Override
    public <R> Future<Message<R>> replyAndRequest(Object reply, DeliveryOptions options) {
      return message.replyAndRequest(reply, options);
    }
  }
}
