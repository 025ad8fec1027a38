package dev.vmesos.master.extensions;

import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.http.MediaTypes;
import dev.vmesos.api.recordio.RecordIO;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.http.BoundedEventWriter;
import dev.vmesos.master.http.EventStreamLimit;
import dev.vmesos.master.http.Responses;
import dev.vmesos.master.security.HttpAuthGuard;
import dev.vmesos.master.security.ViewFilter;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.Master;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vmesos extensions to the operator API, {@code POST /api/v1/vmesos} (and under {@code /master}):
 * a JSON body {@code {"type": "<CALL>"}} with the calls GET_SHARES (the dominant-share history),
 * GET_PENDING (why each framework waits), GET_FRAGMENTATION (free resources no framework could use)
 * and SUBSCRIBE (a RecordIO stream of share samples). Same realm as {@code /api/v1} (read-write) and
 * the same {@code view_frameworks} filtering; 503 on a master that does not lead.
 *
 * <p>One instance per master, mounted once; each leadership term attaches its {@link Master}
 * ({@link #beginTerm}) and detaches it ({@link #endTerm}). While it leads, the master samples every
 * {@code --share_history_interval} on its event loop, into a ring of {@code --share_history_capacity}
 * samples, and sends each sample to the subscribers. A subscriber's stream is bounded as the operator
 * API's ({@code --max_event_stream_queue}): one that stops reading is dropped, not buffered for.
 */
public final class VmesosApi {

  private static final Logger LOG = LoggerFactory.getLogger(VmesosApi.class);

  public static final String PATH = "/api/v1/vmesos";
  static final List<String> CALLS = List.of("GET_SHARES", "GET_PENDING", "GET_FRAGMENTATION", "SUBSCRIBE");

  private final Vertx vertx;
  private final MasterConfig config;
  private final BooleanSupplier leading;
  private final Clock clock;
  /** The current term's part; null while this master does not lead. */
  private volatile TermState term;

  /** What one leadership term owns: the history, its sampling timer and the subscribers. */
  private final class TermState {
    final Master master;
    final EventStreamLimit limit;
    final ShareHistory history;
    final ShareSampler sampler;
    final List<Subscriber> subscribers = new ArrayList<>();
    long timer = -1;
    boolean ended;

    TermState(Master master, EventStreamLimit limit) {
      this.master = master;
      this.limit = limit;
      this.history = new ShareHistory(config.extensions().shareHistoryCapacity());
      this.sampler = new ShareSampler(master, clock);
    }
  }

  /** One SUBSCRIBE stream: a bounded writer, and the frameworks its principal may view. */
  private static final class Subscriber {
    final BoundedEventWriter writer;
    /** Null: everything is visible (no --acls), so the sample's encoding is shared with others. */
    final Predicate<ShareSample.Framework> visible;
    long heartbeatTimer = -1;

    Subscriber(BoundedEventWriter writer, Predicate<ShareSample.Framework> visible) {
      this.writer = writer;
      this.visible = visible;
    }
  }

  private VmesosApi(Vertx vertx, MasterConfig config, BooleanSupplier leading, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.leading = leading;
    this.clock = clock;
  }

  /**
   * Installs the routes; {@code leading} says whether this master leads now (a lapsed lease
   * included). A body over {@code bodyLimit} bytes is refused with 413.
   */
  public static VmesosApi mount(Router router, Vertx vertx, MasterConfig config, BooleanSupplier leading,
                                long bodyLimit) {
    VmesosApi api = new VmesosApi(vertx, config, leading, Clock.systemUTC());
    for (String path : new String[] {PATH, "/master" + PATH}) {
      router.route(path).handler(BodyHandler.create(false).setBodyLimit(bodyLimit)).handler(api::handle);
    }
    return api;
  }

  /** This master leads with {@code master}: sampling starts now. Call on the master's event loop. */
  public void beginTerm(Master master, EventStreamLimit limit) {
    TermState previous = term;
    if (previous != null) {
      endTerm(previous.master);
    }
    TermState state = new TermState(master, limit);
    term = state;
    sample(state);
    state.timer = vertx.setPeriodic(Math.max(1, config.extensions().shareHistoryInterval().toMillis()),
        id -> sample(state));
    LOG.info("Sampling dominant shares every {} ms, keeping {} samples",
        config.extensions().shareHistoryInterval().toMillis(), state.history.capacity());
  }

  /** This master stopped leading the term of {@code master}: sampling stops and every stream ends. */
  public void endTerm(Master master) {
    TermState state = term;
    if (state == null || state.master != master) {
      return;
    }
    term = null;
    state.ended = true;
    vertx.cancelTimer(state.timer);
    for (Subscriber subscriber : List.copyOf(state.subscribers)) {
      vertx.cancelTimer(subscriber.heartbeatTimer);
      subscriber.writer.end();
    }
    state.subscribers.clear();
  }

  private void sample(TermState state) {
    if (state.ended || !leading.getAsBoolean()) {
      return;  // only a master that leads (its lease fresh) samples
    }
    ShareSample sample;
    try {
      sample = state.sampler.sample();
    } catch (RuntimeException e) {
      LOG.warn("Could not sample the dominant shares: {}", e.toString());
      return;
    }
    state.history.add(sample);
    state.subscribers.removeIf(s -> !s.writer.writable());
    Buffer shared = null;
    for (Subscriber subscriber : state.subscribers) {
      if (subscriber.visible == null) {
        if (shared == null) {
          shared = record(sharesEvent(sample, f -> true));
        }
        subscriber.writer.write(shared.copy());
      } else {
        subscriber.writer.write(record(sharesEvent(sample, subscriber.visible)));
      }
    }
  }

  private static JsonObject sharesEvent(ShareSample sample, Predicate<ShareSample.Framework> visible) {
    return new JsonObject().put("type", "SHARES").put("shares", sample.toJson(visible));
  }

  private static Buffer record(JsonObject event) {
    return RecordIO.encode(Buffer.buffer(event.encode()));
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  private void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    TermState state = term;
    if (state == null || state.ended || !leading.getAsBoolean()) {
      Responses.text(response, 503, "This master does not lead (or has not finished recovery)");
      return;
    }
    if (ctx.request().method() != HttpMethod.POST) {
      response.putHeader(HttpHeaders.ALLOW, "POST");
      Responses.text(response, 405, "Expecting a 'POST' request, received '" + ctx.request().method() + "'");
      return;
    }
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null) {
      Responses.text(response, 400, "Expecting 'Content-Type' to be present");
      return;
    }
    if (MediaTypes.contentType(contentType).orElse(null) != MediaType.JSON) {
      Responses.text(response, 415, "Expecting 'Content-Type' of " + MediaTypes.APPLICATION_JSON);
      return;
    }
    String type;
    try {
      type = callType(ctx.body().buffer());
    } catch (IllegalArgumentException e) {
      Responses.text(response, 400, e.getMessage());
      return;
    }
    if (MediaTypes.negotiate(ctx.request().getHeader(HttpHeaders.ACCEPT)).orElse(null) != MediaType.JSON) {
      Responses.text(response, 406, "Expecting 'Accept' to allow " + MediaTypes.APPLICATION_JSON);
      return;
    }
    String principal = HttpAuthGuard.principal(ctx);
    ViewFilter view = new ViewFilter(state.master.acls(), principal, id -> {
      Framework framework = state.master.frameworks().get(id);
      return framework == null ? null : framework.info().getUser();
    });
    Predicate<ShareSample.Framework> visible = view.active() ? f -> view.framework(f.user()) : null;
    if (type.equals("SUBSCRIBE")) {
      subscribe(ctx, state, visible);
      return;
    }
    JsonObject body;
    try {
      body = switch (type) {
        case "GET_SHARES" -> shares(state, visible);
        case "GET_PENDING" -> new PendingReport(state.master, clock)
            .build(f -> !view.active() || view.framework(f.info().getUser()));
        case "GET_FRAGMENTATION" -> new FragmentationReport(state.master, config.allocator().minAllocatable())
            .build();
        default -> throw new IllegalStateException("unhandled call " + type);
      };
    } catch (RuntimeException e) {
      LOG.error("Failed to answer the vmesos call {}", type, e);
      Responses.text(response, 500, "Internal error: " + e);
      return;
    }
    response.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, MediaTypes.APPLICATION_JSON)
        .end(new JsonObject().put("type", type).put(type.toLowerCase(java.util.Locale.ROOT), body).encode());
  }

  /** The call's type from its body, or a clear reason why it has none. */
  static String callType(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new IllegalArgumentException("Expecting a JSON body such as {\"type\": \"GET_SHARES\"}");
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("Failed to parse the body as JSON: " + e.getMessage());
    }
    if (!(parsed instanceof JsonObject call)) {
      throw new IllegalArgumentException("Expecting a JSON object such as {\"type\": \"GET_SHARES\"}");
    }
    Object type = call.getValue("type");
    if (!(type instanceof String name)) {
      throw new IllegalArgumentException("Expecting 'type' to be a string, one of " + CALLS);
    }
    if (!CALLS.contains(name)) {
      throw new IllegalArgumentException("Unknown call type '" + name + "': expecting one of " + CALLS);
    }
    // As the operator API's calls: besides 'type', only the call's own (empty) object, e.g. "get_shares": {}.
    String own = name.toLowerCase(java.util.Locale.ROOT);
    for (String field : call.fieldNames()) {
      if (field.equals(own) && call.getValue(field) instanceof JsonObject options && options.isEmpty()) {
        continue;
      }
      if (!field.equals("type")) {
        throw new IllegalArgumentException("Unexpected field '" + field + "' in a " + name + " call: it takes only"
            + " 'type'");
      }
    }
    return name;
  }

  private JsonObject shares(TermState state, Predicate<ShareSample.Framework> visible) {
    JsonArray samples = new JsonArray();
    Predicate<ShareSample.Framework> filter = visible == null ? f -> true : visible;
    for (ShareSample sample : state.history.samples()) {
      samples.add(sample.toJson(filter));
    }
    return new JsonObject()
        .put("interval_seconds", config.extensions().shareHistoryInterval().toMillis() / 1000.0)
        .put("capacity", state.history.capacity())
        .put("samples", samples);
  }

  /**
   * SUBSCRIBED with the history as GET_SHARES answers it, then a SHARES event per sample and a
   * HEARTBEAT every {@code --heartbeat_interval}, on a bounded stream.
   */
  private void subscribe(RoutingContext ctx, TermState state, Predicate<ShareSample.Framework> visible) {
    HttpServerResponse response = ctx.response();
    String who = String.valueOf(ctx.request().remoteAddress());
    BoundedEventWriter writer = state.limit.writer(response, queued -> LOG.warn("Dropping the vmesos share stream"
        + " of {}: it has {} bytes queued unread and the next sample would pass --max_event_stream_queue={}", who,
        queued, state.limit.maxQueueBytes()));
    Subscriber subscriber = new Subscriber(writer, visible);
    response.setStatusCode(200).setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, MediaTypes.APPLICATION_JSON);
    response.writeHead();
    writer.write(record(new JsonObject().put("type", "SUBSCRIBED")
        .put("subscribed", new JsonObject().put("get_shares", shares(state, visible)))));
    state.subscribers.add(subscriber);
    long interval = Math.max(1, config.heartbeatInterval().toMillis());
    Buffer heartbeat = record(new JsonObject().put("type", "HEARTBEAT"));
    subscriber.heartbeatTimer = vertx.setPeriodic(interval, interval, id -> {
      if (writer.writable()) {
        writer.write(heartbeat.copy());
      } else {
        vertx.cancelTimer(id);
      }
    });
    response.closeHandler(v -> {
      state.subscribers.remove(subscriber);
      vertx.cancelTimer(subscriber.heartbeatTimer);
      LOG.info("vmesos share stream of {} closed ({} left)", who, state.subscribers.size());
    });
    response.exceptionHandler(e -> LOG.debug("vmesos share stream of {}: {}", who, e.toString()));
    LOG.info("{} subscribed to the vmesos share stream ({} subscribers)", who, state.subscribers.size());
  }
}
