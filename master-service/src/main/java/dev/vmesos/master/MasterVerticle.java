package dev.vmesos.master;

import com.google.protobuf.Message;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.internal.Internal.KillTask;
import dev.vmesos.api.internal.Internal.RunTaskGroup;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.Ping;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.ReregisterAgent;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.v1.Protos.Address;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.cluster.RouterFailures;
import dev.vmesos.master.http.Responses;
import dev.vmesos.master.http.SchedulerEndpoint;
import dev.vmesos.master.operator.OperatorApi;
import dev.vmesos.master.state.Master;
import dev.vmesos.master.state.MasterEffects;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's shell: owns the {@link Master} on its event loop, consumes the leader address on the
 * event bus, serves the scheduler API and runs the allocation timer. Clustering is chosen by the
 * caller that creates the Vertx instance.
 */
public final class MasterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MasterVerticle.class);
  /** The Mesos API version vmesos speaks; reported in MasterInfo.version. */
  public static final String MESOS_VERSION = "1.11.0";
  private static final long AGENT_REQUEST_TIMEOUT_MS = 10_000;
  /** Resends of a launch while its agent has no consumer: 50 ms doubling, about 3 s in all. */
  private static final int LAUNCH_DELIVERY_ATTEMPTS = 6;
  private static final long BODY_LIMIT = 64L * 1024 * 1024;

  private final MasterConfig config;
  private Master master;
  private SchedulerEndpoint scheduler;
  private OperatorApi operator;
  private HttpServer server;
  private MessageConsumer<Object> consumer;
  private long allocationTimer = -1;

  public MasterVerticle(MasterConfig config) {
    this.config = config;
  }

  /** The port the HTTP API listens on (useful with port 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  public Master master() {
    return master;
  }

  @Override
  public Future<?> start() {
    return listenHttp()
        .compose(v -> {
          master = new Master(masterInfo(server.actualPort()), config.heartbeatInterval(),
              config.agentPingInterval(), config.maxAgentPingTimeouts(), config.offerTimeout(), config.allocator(),
              Clock.systemUTC(),
              new VertxEffects());
          scheduler = new SchedulerEndpoint(master);
          operator = new OperatorApi(vertx, master, config, MESOS_VERSION, Clock.systemUTC(),
              System.currentTimeMillis() / 1000.0);
          return listenOnBus();
        })
        .onSuccess(v -> {
          allocationTimer = vertx.setPeriodic(config.allocationInterval().toMillis(), id -> master.allocate());
          LOG.info("Master {} started on {}:{} (Mesos API {})", master.masterInfo().getId(), config.ip(),
              server.actualPort(), MESOS_VERSION);
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(allocationTimer);
    Future<Void> closing = server == null ? Future.succeededFuture() : server.close();
    return closing.compose(v -> consumer == null ? Future.succeededFuture() : consumer.unregister());
  }

  private Future<Void> listenOnBus() {
    consumer = vertx.eventBus().consumer(Addresses.MASTER_LEADER, this::onAgentMessage);
    return consumer.completion();
  }

  private Future<Void> listenHttp() {
    Router router = RouterFailures.install(Router.router(vertx), "master");
    for (String prefix : new String[] {"", "/master"}) {
      router.route(prefix + "/api/v1/scheduler")
          .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
          .handler(ctx -> {
            if (scheduler == null) {
              Responses.text(ctx.response(), 503, "Master has not finished recovery");
            } else {
              scheduler.handle(ctx);
            }
          });
      router.get(prefix + "/redirect").handler(ctx -> ctx.response().setStatusCode(307)
          .putHeader(HttpHeaders.LOCATION, "//" + config.hostname() + ":" + server.actualPort()).end());
      router.get(prefix + "/health").handler(ctx -> ctx.response().setStatusCode(200).end());
    }
    OperatorApi.routes(router, () -> operator);
    router.route().last().handler(ctx -> Responses.text(ctx.response(), 404, "Not found: " + ctx.request().path()));
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(config.port(), config.ip())
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot listen on " + config.ip() + ":"
            + config.port() + " (--ip, --port): " + e.getMessage(), e)))
        .map(s -> {
          server = s;
          return null;
        });
  }

  private void onAgentMessage(io.vertx.core.eventbus.Message<Object> message) {
    Object body = message.body();
    try {
      if (body instanceof RegisterAgent register) {
        message.reply(master.registerAgent(register));
      } else if (body instanceof ReregisterAgent reregister) {
        message.reply(master.reregisterAgent(reregister));
      } else if (body instanceof StatusUpdate update) {
        master.statusUpdate(update);
        message.reply(Ack.getDefaultInstance());
      } else if (body instanceof Ping ping) {
        message.reply(master.ping(ping));
      } else if (body instanceof dev.vmesos.api.internal.Internal.ExitedExecutor exited) {
        master.executorExited(exited);
        if (message.replyAddress() != null) {
          message.reply(Ack.getDefaultInstance());
        }
      } else if (body instanceof dev.vmesos.api.internal.Internal.ExecutorToFrameworkMessage executorMessage) {
        master.executorMessage(executorMessage);
        if (message.replyAddress() != null) {
          message.reply(Ack.getDefaultInstance());
        }
      } else {
        LOG.warn("Unexpected message on {}: {}", Addresses.MASTER_LEADER,
            body == null ? "null" : body.getClass().getName());
        message.fail(400, "Unexpected message type " + (body == null ? "null" : body.getClass().getSimpleName()));
      }
    } catch (RuntimeException e) {
      LOG.error("Failed to handle {} from an agent", body.getClass().getSimpleName(), e);
      message.fail(500, e.toString());
    }
  }

  private MasterInfo masterInfo(int port) {
    String id = UUID.randomUUID().toString();
    return MasterInfo.newBuilder()
        .setId(id)
        .setIp(ipv4NetworkOrder(config.ip()))
        .setPort(port)
        .setPid("master@" + config.ip() + ":" + port)
        .setHostname(config.hostname())
        .setVersion(MESOS_VERSION)
        .setAddress(Address.newBuilder().setHostname(config.hostname()).setIp(config.ip()).setPort(port))
        .build();
  }

  /** Mesos puts the IPv4 address in MasterInfo.ip as the in_addr word read on a little-endian host. */
  static int ipv4NetworkOrder(String ip) {
    try {
      byte[] b = InetAddress.getByName(ip).getAddress();
      return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("Not an IPv4 address: " + ip, e);
    }
  }

  /** Performs what the master core asks, on this verticle's event loop. */
  private final class VertxEffects implements MasterEffects {

    @Override
    public void sendToAgent(String agentId, Message message) {
      String address = Addresses.agent(agentId);
      if (message instanceof RunTask || message instanceof RunTaskGroup) {
        deliverLaunch(agentId, message, 0);
      } else if (message instanceof KillTask) {
        vertx.eventBus().request(address, message, new DeliveryOptions().setSendTimeout(AGENT_REQUEST_TIMEOUT_MS))
            .onFailure(e -> LOG.warn("Agent {} did not take {}: {}", agentId,
                message.getDescriptorForType().getName(), describe(e)));
      } else {
        vertx.eventBus().send(address, message);
      }
    }

    /**
     * Sends a launch to its agent. While nobody consumes the agent's address (an agent that has
     * just registered binds it a moment after the reply, and may get offers meanwhile) it is sent
     * again with backoff; a launch that never gets there ends its tasks TASK_LOST or TASK_DROPPED.
     * Other failures (a timeout: the agent may have it) are only logged, as Mesos leaves such
     * tasks to reconciliation.
     */
    private void deliverLaunch(String agentId, Message message, int attempt) {
      vertx.eventBus().request(Addresses.agent(agentId), message,
              new DeliveryOptions().setSendTimeout(AGENT_REQUEST_TIMEOUT_MS))
          .onFailure(e -> {
            boolean noHandler = e instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
            if (noHandler && attempt < LAUNCH_DELIVERY_ATTEMPTS) {
              LOG.debug("Agent {} does not consume its address yet: sending {} again", agentId,
                  message.getDescriptorForType().getName());
              vertx.setTimer(50L << attempt, id -> deliverLaunch(agentId, message, attempt + 1));
              return;
            }
            LOG.warn("Agent {} did not take {}: {}", agentId, message.getDescriptorForType().getName(), describe(e));
            if (noHandler) {
              if (message instanceof RunTask run) {
                master.launchNotDelivered(agentId, run.getFrameworkInfo().getId().getValue(),
                    List.of(run.getTask().getTaskId()));
              } else if (message instanceof RunTaskGroup group) {
                master.launchNotDelivered(agentId, group.getFrameworkInfo().getId().getValue(),
                    group.getTaskGroup().getTasksList().stream().map(TaskInfo::getTaskId).toList());
              }
            }
          });
    }

    @Override
    public long schedule(Duration delay, Runnable action) {
      return vertx.setTimer(Math.max(1, delay.toMillis()), id -> action.run());
    }

    @Override
    public long schedulePeriodic(Duration period, Runnable action) {
      return vertx.setPeriodic(Math.max(1, period.toMillis()), id -> action.run());
    }

    @Override
    public void cancel(long timerId) {
      vertx.cancelTimer(timerId);
    }
  }

  private static String describe(Throwable e) {
    if (e instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case NO_HANDLERS -> "the agent is not reachable on the event bus";
        case TIMEOUT -> "no reply within " + AGENT_REQUEST_TIMEOUT_MS + " ms";
        case RECIPIENT_FAILURE -> "it failed: " + reply.getMessage();
        case ERROR -> "event bus error: " + reply.getMessage();
      };
    }
    return e.toString();
  }
}
