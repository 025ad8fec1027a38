package dev.vmesos.api.bus;

import dev.vmesos.api.config.Credentials.Credential;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's one connection to the masters' event bus: a WebSocket to the event-bus bridge that
 * every master serves at {@link #PATH} on its HTTP port, speaking Vert.x's bridge frames (JSON
 * {@code send}, {@code register}, {@code ping} out; {@code rec} and {@code err} in) with protobuf
 * bodies in {@link BusEnvelope}s.
 *
 * <p>It connects to one master of its list (starting at a random one) with the agent's credential
 * (HTTP Basic on the upgrade request, as Mesos's HTTP authentication). Whichever master it reaches
 * relays its requests to the leader. When the connection goes, pending requests fail at once and it
 * connects to the next master after a random delay of up to the current backoff (full jitter), so
 * thousands of agents do not arrive in the same millisecond. A master that stops answering (three
 * requests in a row time out) is left the same way.
 *
 * <p>Not thread-safe: create it and call it on one context (an agent verticle's).
 */
public final class BridgeClient implements AgentBus {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeClient.class);

  /** Where masters serve the bridge (Vert.x's raw WebSocket transport of the SockJS bridge). */
  public static final String PATH = "/api/v1/agentbus/websocket";

  /** Sent by the masters' bridge (not in Vert.x's protocol) once a {@code register} took effect. */
  public static final String REGISTERED_FRAME = "registered";

  /** The bridge's refusal of a register for an address the connection consumes already. */
  static final String ADDRESS_ALREADY_REGISTERED = "address_already_registered";

  /** The largest frame either side accepts: a re-registration of an agent with many tasks fits. */
  public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private static final int TIMEOUTS_BEFORE_LEAVING = 3;

  /** How to reach the masters. */
  public record Options(List<String> masters, Optional<Credential> credential, Duration pingInterval,
                        Duration backoffInitial, Duration backoffMax, dev.vmesos.api.config.TlsConfig tls) {

    public Options {
      if (masters.isEmpty()) {
        throw new IllegalArgumentException("at least one master is needed");
      }
      masters = List.copyOf(masters);
    }

    /**
     * Masters as {@code host:port}: pings every 10 s (a third of the bridge's 30 s ping timeout),
     * reconnects within 1 s, backing off to 30 s.
     */
    public static Options of(List<String> masters, Optional<Credential> credential) {
      return new Options(masters, credential, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(30),
          dev.vmesos.api.config.TlsConfig.disabled());
    }

    public Options withBackoff(Duration initial, Duration max) {
      return new Options(masters, credential, pingInterval, initial, max, tls);
    }

    /** Over TLS (wss), with the agent's certificate for masters that require one. */
    public Options withTls(dev.vmesos.api.config.TlsConfig newTls) {
      return new Options(masters, credential, pingInterval, backoffInitial, backoffMax, newTls);
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final WebSocketClient client;
  private final boolean ownsClient;
  private final Options options;
  private final Map<String, Pending> pending = new HashMap<>();
  private final Map<String, Sub> subscriptions = new LinkedHashMap<>();
  private Handler<String> connectedHandler = master -> { };
  private WebSocket socket;
  private String connectedTo;
  /** Bumped by every new connection: what was registered on an older one must be registered again. */
  private long connection;
  private int nextMaster;
  private Duration backoff;
  private long reconnectTimer = -1;
  private long pingTimer = -1;
  private long requestSequence;
  private int timeoutsInARow;
  private boolean closed;
  private String lastFailure;

  public BridgeClient(Vertx vertx, Options options) {
    this(vertx, vertx.createWebSocketClient(options.tls().apply(clientOptions())), true, options);
  }

  /** Shares {@code client} (many simulated agents in one JVM); it is not closed with this. */
  public BridgeClient(Vertx vertx, WebSocketClient client, Options options) {
    this(vertx, client, false, options);
  }

  private BridgeClient(Vertx vertx, WebSocketClient client, boolean ownsClient, Options options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.client = client;
    this.ownsClient = ownsClient;
    this.options = options;
    this.backoff = options.backoffInitial();
    this.nextMaster = ThreadLocalRandom.current().nextInt(options.masters().size());
  }

  /** The options a WebSocket client for bridge connections needs. */
  public static WebSocketClientOptions clientOptions() {
    return new WebSocketClientOptions().setMaxMessageSize(MAX_MESSAGE_BYTES).setMaxFrameSize(MAX_MESSAGE_BYTES)
        .setConnectTimeout(5000);
  }

  /** Called with the master's {@code host:port} each time a connection is made. */
  public BridgeClient connectedHandler(Handler<String> handler) {
    this.connectedHandler = handler;
    return this;
  }

  /** Starts connecting; connections are kept up until {@link #close()}. */
  public BridgeClient start() {
    context.runOnContext(v -> connect());
    return this;
  }

  /** The master this client is connected to now, if any. */
  public Optional<String> connectedTo() {
    return Optional.ofNullable(socket == null ? null : connectedTo);
  }

  private void connect() {
    if (closed || socket != null) {
      return;
    }
    String master = options.masters().get(nextMaster);
    nextMaster = (nextMaster + 1) % options.masters().size();
    int colon = master.lastIndexOf(':');
    WebSocketConnectOptions connect = new WebSocketConnectOptions()
        .setHost(master.substring(0, colon))
        .setPort(Integer.parseInt(master.substring(colon + 1)))
        .setURI(PATH)
        .setSsl(options.tls().enabled());
    options.credential().ifPresent(c -> connect.addHeader("Authorization",
        dev.vmesos.api.security.HttpBasic.header(c.principal(), c.secret())));
    client.connect(connect).onComplete(done -> {
      if (done.failed()) {
        String why = done.cause() instanceof UpgradeRejectedException rejected
            ? "refused with HTTP " + rejected.getStatus() + (rejected.getStatus() == 401 ? " (wrong or missing credential)" : "")
            : done.cause().toString();
        reconnectLater(master, why);
        return;
      }
      if (closed) {
        done.result().close();
        return;
      }
      attached(master, done.result());
    });
  }

  private void attached(String master, WebSocket ws) {
    socket = ws;
    connectedTo = master;
    connection++;
    timeoutsInARow = 0;
    lastFailure = null;
    long mine = connection;
    // The bridge writes its frames as binary WebSocket messages, holding JSON text.
    ws.textMessageHandler(text -> onFrame(mine, text));
    ws.binaryMessageHandler(bytes -> onFrame(mine, bytes.toString(StandardCharsets.UTF_8)));
    ws.closeHandler(v -> detached(mine, "the connection closed"));
    ws.exceptionHandler(e -> LOG.debug("Bridge connection to {}: {}", master, e.toString()));
    pingTimer = vertx.setPeriodic(options.pingInterval().toMillis(), id -> write(new JsonObject().put("type", "ping")));
    LOG.info("Agent bus connected to master {}", master);
    connectedHandler.handle(master);
  }

  private void detached(long which, String why) {
    if (which != connection || socket == null) {
      return;
    }
    WebSocket gone = socket;
    socket = null;
    vertx.cancelTimer(pingTimer);
    if (!gone.isClosed()) {
      gone.close();
    }
    List<Pending> failed = new ArrayList<>(pending.values());
    pending.clear();
    for (Pending request : failed) {
      vertx.cancelTimer(request.timer);
      request.promise.tryFail(new ReplyException(ReplyFailure.NO_HANDLERS, "the connection to master " + connectedTo
          + " was lost"));
    }
    for (Sub sub : subscriptions.values()) {
      if (sub.registered != null) {
        sub.registered.tryFail("the connection to master " + connectedTo + " was lost");
      }
      sub.registered = null;
      sub.sentOn = -1;
      sub.confirmedOn = -1;
    }
    if (!closed) {
      backoff = options.backoffInitial();
      reconnectLater(connectedTo, why);
    }
  }

  private void reconnectLater(String master, String why) {
    if (closed) {
      return;
    }
    long delay = ThreadLocalRandom.current().nextLong(backoff.toMillis() + 1);
    Duration doubled = backoff.multipliedBy(2);
    backoff = doubled.compareTo(options.backoffMax()) > 0 ? options.backoffMax() : doubled;
    // One line per kind of failure, not per attempt.
    if (!why.equals(lastFailure)) {
      LOG.warn("Agent bus: master {}: {}; trying the next master in {} ms", master, why, delay);
      lastFailure = why;
    } else {
      LOG.debug("Agent bus: master {}: {}; trying the next master in {} ms", master, why, delay);
    }
    reconnectTimer = vertx.setTimer(Math.max(1, delay), id -> {
      reconnectTimer = -1;
      connect();
    });
  }

  @Override
  public Future<Message<Object>> request(String address, com.google.protobuf.Message body, DeliveryOptions delivery) {
    if (socket == null) {
      return Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "not connected to any master"));
    }
    if (socket.writeQueueFull()) {
      return Future.failedFuture(new ReplyException(ReplyFailure.ERROR, "the connection to master " + connectedTo
          + " is congested"));
    }
    String replyAddress = "r." + (++requestSequence);
    Promise<Message<Object>> promise = Promise.promise();
    long mine = connection;
    long timeout = delivery.getSendTimeout();
    Pending request = new Pending(promise, vertx.setTimer(timeout, id -> {
      if (pending.remove(replyAddress) != null) {
        promise.tryFail(new ReplyException(ReplyFailure.TIMEOUT, "no reply from the master within " + timeout + " ms"));
        if (++timeoutsInARow >= TIMEOUTS_BEFORE_LEAVING && mine == connection && socket != null) {
          LOG.warn("Agent bus: master {} did not answer {} requests in a row; leaving it", connectedTo, timeoutsInARow);
          detached(mine, "it stopped answering");
        }
      }
    }));
    pending.put(replyAddress, request);
    write(frame("send", address, body).put("replyAddress", replyAddress));
    return promise.future();
  }

  @Override
  public void send(String address, com.google.protobuf.Message body) {
    if (socket != null && !socket.writeQueueFull()) {
      write(frame("send", address, body));
    }
  }

  @Override
  public Subscription consumer(String address, Handler<Message<Object>> handler) {
    Sub sub = new Sub(address, handler);
    subscriptions.put(address, sub);
    return sub;
  }

  @Override
  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(reconnectTimer);
    vertx.cancelTimer(pingTimer);
    WebSocket ws = socket;
    socket = null;
    Future<Void> done = ws == null ? Future.succeededFuture() : ws.close();
    return ownsClient ? done.eventually(client::close) : done;
  }

  private static JsonObject frame(String type, String address, com.google.protobuf.Message body) {
    return new JsonObject().put("type", type).put("address", address).put("body", BusEnvelope.wrap(body));
  }

  private void write(JsonObject frame) {
    if (socket != null) {
      socket.writeTextMessage(frame.encode());
    }
  }

  private void onFrame(long which, String text) {
    if (which != connection) {
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException e) {
      LOG.warn("Agent bus: master {} sent a frame that is not JSON", connectedTo);
      return;
    }
    String type = frame.getString("type", "");
    String address = frame.getString("address");
    switch (type) {
      case "rec" -> onReceive(address, frame);
      case "err" -> onError(address, frame);
      case REGISTERED_FRAME -> {
        Sub sub = address == null ? null : subscriptions.get(address);
        if (sub != null && sub.sentOn == connection) {
          sub.confirmed();
        }
      }
      default -> LOG.debug("Agent bus: ignoring a frame of type {}", type);
    }
  }

  private void onReceive(String address, JsonObject frame) {
    Pending request = address == null ? null : pending.remove(address);
    Object raw = frame.getValue("body");
    if (request != null) {
      vertx.cancelTimer(request.timer);
      timeoutsInARow = 0;
      if (BusEnvelope.isFailure(raw)) {
        request.promise.tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusEnvelope.failureCode(raw),
            BusEnvelope.failureMessage(raw)));
        return;
      }
      try {
        request.promise.tryComplete(new Received(address, BusEnvelope.unwrap(raw), headers(frame), null));
      } catch (IllegalArgumentException e) {
        request.promise.tryFail(new ReplyException(ReplyFailure.ERROR, "unreadable reply: " + e.getMessage()));
      }
      return;
    }
    Sub sub = address == null ? null : subscriptions.get(address);
    if (sub == null) {
      LOG.debug("Agent bus: nobody consumes {} here", address);
      return;
    }
    String replyAddress = frame.getString("replyAddress");
    com.google.protobuf.Message body;
    try {
      body = BusEnvelope.unwrap(raw);
    } catch (IllegalArgumentException e) {
      LOG.warn("Agent bus: unreadable message on {}: {}", address, e.getMessage());
      if (replyAddress != null) {
        write(new JsonObject().put("type", "send").put("address", replyAddress)
            .put("body", BusEnvelope.failure(400, e.getMessage())));
      }
      return;
    }
    sub.handler.handle(new Received(address, body, headers(frame), replyAddress));
  }

  private void onError(String address, JsonObject frame) {
    Pending request = address == null ? null : pending.remove(address);
    if (request != null) {
      vertx.cancelTimer(request.timer);
      ReplyFailure failure;
      try {
        failure = ReplyFailure.valueOf(frame.getString("failureType", "ERROR"));
      } catch (IllegalArgumentException e) {
        failure = ReplyFailure.ERROR;
      }
      request.promise.tryFail(new ReplyException(failure, frame.getInteger("failureCode", -1),
          frame.getString("message", "failed")));
      return;
    }
    // An error without an address: the bridge refused a frame. Registrations waiting learn it here.
    String what = String.valueOf(frame.getValue("body"));
    if (ADDRESS_ALREADY_REGISTERED.equals(what)) {
      // A register for an address this connection consumes already: whichever it was, it is in effect.
      LOG.debug("Agent bus: master {} has a registration already", connectedTo);
      for (Sub sub : subscriptions.values()) {
        if (sub.sentOn == connection) {
          sub.confirmed();
        }
      }
      return;
    }
    LOG.warn("Agent bus: master {} refused a frame: {}", connectedTo, what);
    for (Sub sub : subscriptions.values()) {
      if (sub.sentOn == connection && sub.confirmedOn != connection) {
        // Sent again on the next completion(): the refusal may have been of this register.
        sub.sentOn = -1;
        if (sub.registered != null) {
          sub.registered.tryFail("master " + connectedTo + " refused the registration of " + sub.address + ": " + what);
        }
      }
    }
  }

  private static MultiMap headers(JsonObject frame) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    JsonObject json = frame.getJsonObject("headers");
    if (json != null) {
      json.forEach(e -> headers.add(e.getKey(), String.valueOf(e.getValue())));
    }
    return headers;
  }

  private record Pending(Promise<Message<Object>> promise, long timer) {
  }

  /**
   * A consumer of one address, registered again on each new connection that asks for it. A register
   * goes out once per connection: asking again while it is unanswered (a caller whose wait timed out)
   * waits for the same answer, since a second register of an address is refused by the bridge.
   */
  private final class Sub implements Subscription {

    private final String address;
    private final Handler<Message<Object>> handler;
    /** What the latest caller of {@link #completion()} waits for. */
    private Promise<Void> registered;
    /** The connection a register was sent on (and not refused), or -1. */
    private long sentOn = -1;
    /** The connection on which the masters confirmed it, or -1. */
    private long confirmedOn = -1;

    Sub(String address, Handler<Message<Object>> handler) {
      this.address = address;
      this.handler = handler;
    }

    @Override
    public String address() {
      return address;
    }

    @Override
    public Future<Void> completion() {
      if (Addresses.pushedToAgents(address)) {
        return Future.succeededFuture();
      }
      if (socket == null) {
        return Future.failedFuture("not connected to any master");
      }
      if (confirmedOn == connection) {
        return Future.succeededFuture();
      }
      if (registered == null || registered.future().isComplete()) {
        registered = Promise.promise();
        Promise<Void> mine = registered;
        vertx.setTimer(10_000, id -> mine.tryFail("master " + connectedTo + " did not confirm the registration of "
            + address));
      }
      if (sentOn != connection) {
        sentOn = connection;
        write(new JsonObject().put("type", "register").put("address", address));
      }
      return registered.future();
    }

    /** The masters confirmed the register sent on this connection. */
    void confirmed() {
      confirmedOn = connection;
      if (registered != null) {
        registered.tryComplete();
      }
    }

    @Override
    public Future<Void> unregister() {
      if (subscriptions.remove(address) == this && socket != null && !Addresses.pushedToAgents(address)) {
        write(new JsonObject().put("type", "unregister").put("address", address));
      }
      return Future.succeededFuture();
    }
  }

  /** A message or reply that came over the bridge. */
  private final class Received implements Message<Object> {

    private final String address;
    private final Object body;
    private final MultiMap headers;
    private final String replyAddress;

    Received(String address, Object body, MultiMap headers, String replyAddress) {
      this.address = address;
      this.body = body;
      this.headers = headers;
      this.replyAddress = replyAddress;
    }

    @Override
    public String address() {
      return address;
    }

    @Override
    public MultiMap headers() {
      return headers;
    }

    @Override
    public Object body() {
      return body;
    }

    @Override
    public String replyAddress() {
      return replyAddress;
    }

    @Override
    public boolean isSend() {
      return true;
    }

    @Override
    public void reply(Object message, DeliveryOptions options) {
      if (replyAddress == null) {
        return;
      }
      Object wire;
      if (message instanceof ReplyException failure) {
        wire = BusEnvelope.failure(failure.failureCode(), failure.getMessage());
      } else if (message instanceof com.google.protobuf.Message proto) {
        wire = BusEnvelope.wrap(proto);
      } else {
        throw new IllegalArgumentException("only protobuf messages travel over the agent bus");
      }
      write(new JsonObject().put("type", "send").put("address", replyAddress).put("body", wire));
    }

    @Override
    public <R> Future<Message<R>> replyAndRequest(Object message, DeliveryOptions options) {
      return Future.failedFuture(new UnsupportedOperationException("the agent bus does not request replies to replies"));
    }
  }
}
