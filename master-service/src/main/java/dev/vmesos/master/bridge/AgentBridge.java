package dev.vmesos.master.bridge;

import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.BridgeClient;
import dev.vmesos.api.bus.BusEnvelope;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.security.HttpBasic;
import dev.vmesos.api.internal.Internal.ExecutorToFrameworkMessage;
import dev.vmesos.api.internal.Internal.ExitedExecutor;
import dev.vmesos.api.internal.Internal.Ping;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.ReregisterAgent;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.internal.Internal.UpdateAgentResources;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The masters' event-bus bridge for agents, which are not members of the masters' cluster. Every
 * master serves it on its HTTP port at {@code /api/v1/agentbus} (Vert.x's SockJS event-bus bridge,
 * raw WebSocket transport), and relays what its agents send to the leader over the clustered bus.
 *
 * <p>Each connection is fenced in:
 * <ul>
 *   <li>It is authenticated on the upgrade request (HTTP Basic with a credential of
 *       {@code --credentials}); with {@code --authenticate_agents} one is required (401 otherwise).</li>
 *   <li>It may send only to {@link Addresses#MASTER_LEADER}, only the message types an agent sends,
 *       and only as the agent it is bound to. It is bound when a registration it sent is answered
 *       with {@code AgentRegistered}; before that it may only (re)register. Its principal goes with
 *       every message (header {@link #PRINCIPAL_HEADER}, never the client's), so the leader can
 *       refuse an agent id registered under another principal.</li>
 *   <li>It may reply only to requests the masters sent to it, and consume only its own agent's
 *       address. Publishing is refused.</li>
 *   <li>Everything else is refused with an {@code err} frame and logged once per connection.</li>
 *   <li>What the masters send it is bounded: when its write queue is full (the agent does not read),
 *       the connection is closed, as Mesos drops a connection it cannot write to. The agent connects
 *       again and re-registers.</li>
 * </ul>
 * {@code LeaderElected} announcements are pushed to every connection by each master from one consumer.
 */
public final class AgentBridge {

  private static final Logger LOG = LoggerFactory.getLogger(AgentBridge.class);

  public static final String MOUNT = "/api/v1/agentbus";

  /** The authenticated principal of the connection a message came over (set by the bridge only). */
  public static final String PRINCIPAL_HEADER = "vmesos-agent-principal";

  /** Bytes a connection may have waiting to be written before it is dropped. */
  static final int WRITE_QUEUE_BYTES = 4 * 1024 * 1024;

  private static final String PRINCIPAL_KEY = "vmesos.principal";

  /**
   * How long a request waits for its reply across the bridge, either way: as long as the master's own
   * requests to agents wait. The bridge keeps each request (with its body) until then.
   */
  static final long REPLY_TIMEOUT_MS = 10_000;

  /** Requests of the masters a connection may have unanswered before the oldest are forgotten. */
  static final int MAX_AWAITED_REPLIES = 4096;

  private final Vertx vertx;
  private final AgentAuth auth;
  private final Map<SockJSSocket, Connection> connections = new HashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private MessageConsumer<Object> announcements;

  public AgentBridge(Vertx vertx, AgentAuth auth) {
    this.vertx = vertx;
    this.auth = auth;
  }

  /** What one agent connection may do, and who it is. */
  private static final class Connection {
    final String principal;
    final String remote;
    String agentId;
    /** Requests of masters sent to this connection, by reply address, with when they expire. */
    final Map<String, Long> awaitedReplies = new LinkedHashMap<>();
    /** Reply addresses of this connection's own registration requests. */
    final Set<String> registrations = new java.util.HashSet<>();
    boolean refusalLogged;

    Connection(String principal, String remote) {
      this.principal = principal;
      this.remote = remote;
    }

    String who() {
      return (agentId == null ? "unbound agent connection" : "agent " + agentId) + " from " + remote
          + (principal == null ? "" : " (principal " + principal + ")");
    }
  }

  /** Connections open now. */
  public int connections() {
    return connections.size();
  }

  /** Frames refused since start. */
  public long refusedFrames() {
    return refused.get();
  }

  /** Connections dropped because the agent did not read what was written to it. */
  public long droppedConnections() {
    return dropped.get();
  }

  /** {@code master/agent_bus_*}: connections open, frames refused, connections dropped for not reading. */
  public Map<String, Double> metrics() {
    return Map.of("master/agent_bus_connections", (double) connections.size(),
        "master/agent_bus_refused_frames", (double) refused.get(),
        "master/agent_bus_dropped_connections", (double) dropped.get());
  }

  /** Serves the bridge under {@link #MOUNT} on {@code router}, and starts pushing announcements. */
  public void mount(Router router) {
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions()
        .setRegisterWriteHandler(false)
        .setLocalWriteHandler(false)
        .addDisabledTransport(Transport.XHR.name())
        .addDisabledTransport(Transport.EVENT_SOURCE.name())
        .addDisabledTransport(Transport.HTML_FILE.name())
        .addDisabledTransport(Transport.JSON_P.name());
    SockJSBridgeOptions bridge = new SockJSBridgeOptions()
        .addInboundPermitted(new PermittedOptions().setAddress(Addresses.MASTER_LEADER))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex("vmesos\\.agent\\.[^.]+"))
        .setMaxHandlersPerSocket(10_000)
        .setPingTimeout(30_000)
        .setReplyTimeout(REPLY_TIMEOUT_MS);
    router.route(MOUNT + "/*").handler(this::authenticate);
    router.route(MOUNT + "/*").subRouter(SockJSHandler.create(vertx, sockJs).bridge(bridge, this::onEvent));
    announcements = vertx.eventBus().consumer(Addresses.AGENTS_LEADER_ELECTED, message -> push(message));
  }

  public void close() {
    if (announcements != null) {
      announcements.unregister();
    }
    for (SockJSSocket socket : connections.keySet().toArray(SockJSSocket[]::new)) {
      socket.close();
    }
  }

  /** The upgrade request: 401 without a valid credential when one is required, or when a wrong one is given. */
  private void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    boolean presented = header != null;
    HttpBasic.Result result = presented && auth.credentials().isPresent()
        ? HttpBasic.authenticate(header, auth.credentials().get())
        : new HttpBasic.Refused(presented ? "the master has no --credentials" : "no credential (--authenticate_agents)");
    if (result instanceof HttpBasic.Refused refusal && (auth.required() || presented)) {
      refused.incrementAndGet();
      LOG.warn("Refused an agent bus connection from {}: {}", ctx.request().remoteAddress(), refusal.reason());
      HttpBasic.unauthorized(ctx.response(), "mesos", "agents must present a valid credential");
      return;
    }
    if (result instanceof HttpBasic.Authenticated authenticated) {
      ctx.put(PRINCIPAL_KEY, authenticated.principal());
    }
    ctx.next();
  }

  private void onEvent(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    BridgeEventType type = event.type();
    if (type == BridgeEventType.SOCKET_CREATED) {
      String principal = socket.routingContext() == null ? null : socket.routingContext().get(PRINCIPAL_KEY);
      Connection connection = new Connection(principal, String.valueOf(socket.remoteAddress()));
      socket.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
      connections.put(socket, connection);
      LOG.debug("Agent bus connection from {}", connection.remote);
      event.complete(true);
      return;
    }
    if (type == BridgeEventType.SOCKET_CLOSED) {
      Connection gone = connections.remove(socket);
      if (gone != null) {
        LOG.info("Agent bus connection of {} closed", gone.who());
      }
      event.complete(true);
      return;
    }
    Connection connection = connections.get(socket);
    if (connection == null) {
      event.complete(type == BridgeEventType.SOCKET_IDLE || type == BridgeEventType.SOCKET_ERROR
          || type == BridgeEventType.UNREGISTER);
      return;
    }
    switch (type) {
      case SEND -> event.complete(admitSend(connection, event.getRawMessage()));
      case PUBLISH -> event.complete(refuse(connection, "publish to " + event.getRawMessage().getString("address")));
      case REGISTER -> {
        String address = event.getRawMessage().getString("address");
        boolean own = connection.agentId != null && address != null
            && address.equals(Addresses.agent(connection.agentId));
        event.complete(own || refuse(connection, "a subscription to " + address));
      }
      case REGISTERED -> {
        socket.write(new JsonObject().put("type", BridgeClient.REGISTERED_FRAME)
            .put("address", event.getRawMessage().getString("address")).encode());
        event.complete(true);
      }
      case RECEIVE -> event.complete(admitReceive(socket, connection, event.getRawMessage()));
      default -> event.complete(true);
    }
  }

  /** A frame the agent sends: to the leader as itself, or a reply to a master's request. */
  private boolean admitSend(Connection connection, JsonObject frame) {
    String address = frame.getString("address");
    if (!Addresses.MASTER_LEADER.equals(address)) {
      Long expiry = address == null ? null : connection.awaitedReplies.remove(address);
      if (expiry != null) {
        frame.remove("headers");
        Object reply = frame.getValue("body");
        if (!BusEnvelope.isFailure(reply)) {
          try {
            frame.put("body", BusEnvelope.unwrap(reply));
          } catch (IllegalArgumentException e) {
            return refuse(connection, "an unreadable reply (" + e.getMessage() + ")");
          }
        }
        return true;
      }
      return refuse(connection, "a message to " + address);
    }
    com.google.protobuf.Message body;
    try {
      body = BusEnvelope.unwrap(frame.getValue("body"));
    } catch (IllegalArgumentException e) {
      return refuse(connection, "an unreadable message (" + e.getMessage() + ")");
    }
    String replyAddress = frame.getString("replyAddress");
    String claimed;
    if (body instanceof RegisterAgent register) {
      claimed = register.getAgentInfo().hasId() ? register.getAgentInfo().getId().getValue() : null;
      // A bound connection may register again (a retry whose answer was late): the master answers
      // a repeat of the same agent process with the same id, and the answer binds the connection.
      if (claimed != null || replyAddress == null) {
        return refuse(connection, "a RegisterAgent with an id or without a reply address");
      }
    } else if (body instanceof ReregisterAgent reregister) {
      claimed = reregister.getAgentInfo().getId().getValue();
      if (replyAddress == null) {
        return refuse(connection, "a ReregisterAgent without a reply address");
      }
      if (connection.agentId != null && !connection.agentId.equals(claimed)) {
        return refuse(connection, "a ReregisterAgent claiming agent " + claimed);
      }
    } else if (body instanceof StatusUpdate update) {
      claimed = update.hasAgentId() ? update.getAgentId().getValue()
          : update.getStatus().hasAgentId() ? update.getStatus().getAgentId().getValue() : null;
      if (update.getStatus().hasAgentId() && !update.getStatus().getAgentId().getValue().equals(claimed)) {
        return refuse(connection, "a StatusUpdate naming two agents");
      }
    } else if (body instanceof Ping ping) {
      claimed = ping.getAgentId().getValue();
    } else if (body instanceof UpdateAgentResources resources) {
      claimed = resources.getAgentId().getValue();
    } else if (body instanceof ExitedExecutor exited) {
      claimed = exited.getAgentId().getValue();
    } else if (body instanceof ExecutorToFrameworkMessage message) {
      claimed = message.getAgentId().getValue();
    } else {
      return refuse(connection, "a message of type " + body.getDescriptorForType().getFullName());
    }
    boolean registration = body instanceof RegisterAgent || body instanceof ReregisterAgent;
    if (!registration && (connection.agentId == null || !connection.agentId.equals(claimed))) {
      return refuse(connection, body.getDescriptorForType().getName() + " for agent " + claimed);
    }
    if (registration) {
      // A registration answered with a failure leaves its entry; an agent retries only a few at a time.
      if (connection.registrations.size() >= 64) {
        connection.registrations.clear();
      }
      connection.registrations.add(replyAddress);
    }
    // The client's headers are not passed on: the principal is the bridge's to say.
    JsonObject headers = new JsonObject();
    if (connection.principal != null) {
      headers.put(PRINCIPAL_HEADER, connection.principal);
    }
    frame.put("headers", headers);
    // On, as protobuf: the masters' bus carries it without JSON (and without copying it locally).
    frame.put("body", body);
    return true;
  }

  /** A frame a master sends to the agent: a request to reply to, or the answer to its registration. */
  private boolean admitReceive(SockJSSocket socket, Connection connection, JsonObject frame) {
    Boolean full = queueFull(socket);
    if (full == null) {
      // Closed while the message was on its way (the close event comes next): nobody to deliver to.
      connections.remove(socket);
      return false;
    }
    if (full) {
      dropped.incrementAndGet();
      LOG.warn("Dropping the agent bus connection of {}: it does not read what the masters write to it", connection.who());
      connections.remove(socket);
      socket.close();
      return false;
    }
    String address = frame.getString("address");
    String replyAddress = frame.getString("replyAddress");
    if (replyAddress != null && Addresses.agentIdOf(address) != null) {
      long now = System.currentTimeMillis();
      connection.awaitedReplies.put(replyAddress, now + REPLY_TIMEOUT_MS);
      if (connection.awaitedReplies.size() > 1024) {
        connection.awaitedReplies.values().removeIf(expiry -> expiry < now);
        // Still too many (an agent that answers nothing): forget the oldest, which can only time out.
        java.util.Iterator<Long> oldest = connection.awaitedReplies.values().iterator();
        while (connection.awaitedReplies.size() > MAX_AWAITED_REPLIES && oldest.hasNext()) {
          oldest.next();
          oldest.remove();
        }
      }
    }
    Object body = frame.getValue("body");
    if (body instanceof com.google.protobuf.Message proto) {
      frame.put("body", BusEnvelope.wrap(proto));
    }
    if (address != null && connection.registrations.remove(address)) {
      try {
        if (BusEnvelope.unwrap(body) instanceof AgentRegistered registered) {
          String id = registered.getAgentId().getValue();
          if (connection.agentId == null || !connection.agentId.equals(id)) {
            // The leader logs the registration itself; 10,000 of these would double the lines.
            LOG.debug("Agent bus connection from {} is agent {}", connection.remote, id);
          }
          connection.agentId = id;
        }
      } catch (IllegalArgumentException e) {
        LOG.warn("Unreadable registration answer for {}: {}", connection.who(), e.getMessage());
      }
    }
    return true;
  }

  private boolean refuse(Connection connection, String what) {
    refused.incrementAndGet();
    if (!connection.refusalLogged) {
      connection.refusalLogged = true;
      LOG.warn("Refused {} from {} (further refusals on this connection are not logged)", what, connection.who());
    } else {
      LOG.debug("Refused {} from {}", what, connection.who());
    }
    return false;
  }

  /** A leader's announcement, written to every agent connected here. */
  private void push(io.vertx.core.eventbus.Message<Object> message) {
    Object body = message.body();
    JsonObject frame = new JsonObject().put("type", "rec").put("address", Addresses.AGENTS_LEADER_ELECTED)
        .put("body", body instanceof com.google.protobuf.Message proto ? BusEnvelope.wrap(proto) : body);
    JsonObject headers = new JsonObject();
    message.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
    frame.put("headers", headers);
    String encoded = frame.encode();
    for (Map.Entry<SockJSSocket, Connection> entry : connections.entrySet()) {
      if (Boolean.FALSE.equals(queueFull(entry.getKey()))) {
        entry.getKey().write(encoded);
      }
    }
  }

  /**
   * Whether the socket's write queue is full; null when the socket is closed already (the WebSocket
   * under it closes before the bridge hears of it, and its queue then throws): a delivery racing a
   * close is dropped.
   */
  private static Boolean queueFull(SockJSSocket socket) {
    try {
      return socket.writeQueueFull();
    } catch (IllegalStateException e) {
      return null;
    }
  }
}
