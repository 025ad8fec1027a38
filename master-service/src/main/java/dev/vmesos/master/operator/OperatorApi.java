package dev.vmesos.master.operator;

import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.http.EventStreamLimit;
import dev.vmesos.master.http.Responses;
import dev.vmesos.master.state.Master;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The master's operator surface: the v1 operator API ({@code POST /api/v1}) with its event stream,
 * and the legacy JSON endpoints existing tools poll ({@code /state}, {@code /state-summary},
 * {@code /flags}, {@code /version}, {@code /metrics/snapshot}). Created once the master exists, on
 * its event loop; registers its listeners with the master. Routes are installed earlier with
 * {@link #routes}, and answer 503 until then.
 */
public final class OperatorApi {

  private static final String JSONP = "jsonp";

  private final Master master;
  private final Clock clock;
  private final double startTime;
  private final TaskCounters counters = new TaskCounters();
  private final EventStreamLimit streamLimit;
  private final StateJson stateJson;
  private final OperatorEndpoint endpoint;
  private final OperatorSubscribers subscribers;
  private final OperatorAuthorization authorization;
  private final OperatorState operatorState;
  private final OperatorCalls calls;

  /**
   * @param version the Mesos version reported by {@code /version} and for agents
   * @param startTime when the master started, in seconds since the epoch (it is elected at once)
   */
  public OperatorApi(Vertx vertx, Master master, MasterConfig config, String version, Clock clock,
                     double startTime) {
    this(vertx, master, config, MasterFlags.of(config), version, clock, startTime);
  }

  /**
   * @param flags every flag of the master with its value, as {@code /flags} and GET_FLAGS list them
   *              (see {@link #flags})
   */
  public OperatorApi(Vertx vertx, Master master, MasterConfig config, SortedMap<String, String> flags,
                     String version, Clock clock, double startTime) {
    this.master = master;
    this.clock = clock;
    this.startTime = startTime;
    BuildInfo build = BuildInfo.of(version);
    RegistrationTimes times = new RegistrationTimes(clock);
    OperatorState state = new OperatorState(master, version, times);
    this.operatorState = state;
    OperatorSubscribers subscribers = new OperatorSubscribers(state);
    this.subscribers = subscribers;
    // Times and counters first: the events built for subscribers read them.
    master.addListener(times);
    master.addListener(counters);
    master.addListener(subscribers);
    this.streamLimit = new EventStreamLimit(config.maxEventStreamQueue());
    this.stateJson = new StateJson(master, build, flags, times, startTime, startTime);
    OperatorCalls calls = new OperatorCalls(master, state, build, flags, this::metrics, startTime, startTime);
    this.calls = calls;
    this.authorization = new OperatorAuthorization(master);
    this.endpoint = new OperatorEndpoint(vertx, calls, subscribers, state::state, config.heartbeatInterval(),
        streamLimit, authorization);
  }

  /**
   * Installs the operator routes, under {@code /master} and unprefixed as Mesos serves them
   * ({@code /metrics/snapshot} only unprefixed, as libprocess serves it). {@code api} is null until
   * the master has started. A call body over {@code bodyLimit} bytes is refused with 413
   * ({@code --http_max_body_size}).
   */
  public static void routes(Router router, Supplier<OperatorApi> api, long bodyLimit) {
    for (String prefix : new String[] {"", "/master"}) {
      router.route(prefix + "/api/v1")
          .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
          .handler(ready(api, OperatorApi::handleApi));
      for (String path : new String[] {prefix + "/state", prefix + "/state.json"}) {
        // What the principal may not view (--acls) is left out, as Mesos's /state does.
        router.get(path).handler(ready(api, a -> ctx -> respondJson(ctx, a.authorization
            .view(dev.vmesos.master.security.HttpAuthGuard.principal(ctx)).stateJson(a.state()))));
      }
      json(router, prefix + "/state-summary", api, a -> a.stateJson.stateSummary());
      json(router, prefix + "/flags", api, a -> a.stateJson.flags());
      json(router, prefix + "/version", api, a -> a.stateJson.version());
    }
    json(router, "/metrics/snapshot", api, a -> new JsonObject(new TreeMap<String, Object>(a.metrics())));
  }

  private static void json(Router router, String path, Supplier<OperatorApi> api,
                           Function<OperatorApi, JsonObject> body) {
    router.get(path).handler(ready(api, a -> ctx -> respondJson(ctx, body.apply(a))));
  }

  private static Handler<RoutingContext> ready(Supplier<OperatorApi> api,
                                               Function<OperatorApi, Handler<RoutingContext>> handler) {
    return ctx -> {
      OperatorApi operator = api.get();
      if (operator == null) {
        Responses.text(ctx.response(), 503, "Master has not finished recovery");
      } else {
        handler.apply(operator).handle(ctx);
      }
    };
  }

  /**
   * Every flag of a master as {@code /flags} lists them: the {@code given} ones as given, and the
   * effective value of every flag it reads (defaults included) from its configuration, security,
   * HTTP limits and history bounds.
   */
  public static SortedMap<String, String> flags(MasterConfig config,
                                                dev.vmesos.master.security.MasterSecurity security,
                                                dev.vmesos.api.http.HttpLimits limits,
                                                MasterConfig.History history, Map<String, String> given) {
    return MasterFlags.of(config, security, limits, history, given);
  }

  /**
   * The bound on this master's event streams ({@code --max_event_stream_queue}), operator and
   * scheduler alike: the scheduler endpoint takes it from here, so that {@code /metrics/snapshot}
   * counts the drops of both in {@code master/event_stream_drops}.
   */
  public EventStreamLimit eventStreamLimit() {
    return streamLimit;
  }

  /** Ends every operator event stream: the master stopped leading. */
  public void close() {
    subscribers.closeAll();
  }

  Master master() {
    return master;
  }

  StateJson stateJson() {
    return stateJson;
  }

  OperatorState operatorState() {
    return operatorState;
  }

  OperatorCalls calls() {
    return calls;
  }

  OperatorAuthorization authorization() {
    return authorization;
  }

  private Handler<RoutingContext> handleApi() {
    return endpoint::handle;
  }

  private JsonObject state() {
    return stateJson.state();
  }

  /** What {@code /metrics/snapshot} answers. */
  public Map<String, Double> metrics() {
    Map<String, Double> metrics = new java.util.HashMap<>(MetricsSnapshot.of(master, counters, streamLimit.drops(),
        clock.millis() / 1000.0 - startTime));
    metrics.putAll(extraMetrics.get());
    return metrics;
  }

  private java.util.function.Supplier<Map<String, Double>> extraMetrics = Map::of;

  /** Metrics of what serves beside the master's core (the agent bus), added to its snapshot. */
  public void extraMetrics(java.util.function.Supplier<Map<String, Double>> metrics) {
    this.extraMetrics = metrics;
  }

  /**
   * JSON as libprocess's {@code OK(json, jsonp)} sends it: {@code application/json}, or with
   * {@code ?jsonp=callback} the JavaScript {@code callback(json);} (the web UI polls this way).
   */
  static void respondJson(RoutingContext ctx, JsonObject json) {
    respondJsonText(ctx, MesosJsonText.of(json));
  }

  /** As {@link #respondJson}, for JSON already written as Mesos writes it (any JSON value). */
  static void respondJsonText(RoutingContext ctx, String text) {
    String callback = ctx.request().getParam(JSONP);
    if (callback != null && !callback.isEmpty()) {
      ctx.response().setStatusCode(200)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript")
          .end(callback + "(" + text + ");");
    } else {
      ctx.response().setStatusCode(200)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(text);
    }
  }
}
