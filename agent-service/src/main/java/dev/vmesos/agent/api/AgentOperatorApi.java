package dev.vmesos.agent.api;

import dev.vmesos.agent.http.AgentObservability;
import dev.vmesos.agent.http.FilesEndpoint;
import dev.vmesos.cluster.logging.LoggingRoutes;
import dev.vmesos.agent.http.PostedCalls;
import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.http.MediaTypes;
import dev.vmesos.api.v1.Protos.Flag;
import dev.vmesos.api.v1.Protos.Metric;
import dev.vmesos.api.v1.Protos.ResourceStatistics;
import dev.vmesos.api.v1.agent.Protos.Call;
import dev.vmesos.api.v1.agent.Protos.Response;
import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's operator endpoints, as Mesos's agent serves them: {@code GET /version}, {@code /flags},
 * {@code /monitor/statistics}, {@code /containers}, and the v1 agent API {@code POST /api/v1}.
 *
 * <p>{@code /api/v1} runs Mesos's checks in order, one status per failure: method (405 with
 * {@code Allow: POST}), Content-Type (400 missing, 415 neither JSON nor protobuf), body (400),
 * validation (400: no type, a call without its message), Accept (406); then UNKNOWN and the calls
 * vmesos does not serve (logging levels, nested containers, attach) answer 501. Answers are in the
 * accepted encoding; LIST_FILES and READ_FILE answer the {@code /files} endpoints' statuses (404 for
 * a missing path, 403 outside the work directory).
 */
public final class AgentOperatorApi {

  private static final Logger LOG = LoggerFactory.getLogger(AgentOperatorApi.class);

  private final Vertx vertx;
  private final AgentView view;
  private final FilesEndpoint files;
  private final SortedMap<String, String> flags;
  private final AgentVersion version;
  private final Clock clock;

  public AgentOperatorApi(Vertx vertx, AgentView view, FilesEndpoint files, SortedMap<String, String> flags,
                          AgentVersion version, Clock clock) {
    this.vertx = vertx;
    this.view = view;
    this.files = files;
    this.flags = flags;
    this.version = version;
    this.clock = clock;
  }

  /**
   * Adds the routes; requests run on the HTTP server's context, the agent verticle's. A call body over
   * {@code bodyLimit} bytes is refused with 413 ({@code --http_max_body_size}).
   */
  public Router mount(Router router, long bodyLimit) {
    router.route("/api/v1").handler(BodyHandler.create(false).setBodyLimit(bodyLimit)).handler(this::handle);
    router.get("/version").handler(ctx -> ctx.json(version.json()));
    router.get("/flags").handler(ctx -> {
      JsonObject values = new JsonObject();
      flags.forEach(values::put);
      ctx.json(new JsonObject().put("flags", values));
    });
    router.get("/monitor/statistics").handler(ctx -> containersJson(ctx, ContainerStatistics::monitorJson));
    router.get("/monitor/statistics.json").handler(ctx -> containersJson(ctx, ContainerStatistics::monitorJson));
    router.get("/containers").handler(ctx -> containersJson(ctx, ContainerStatistics::containersJson));
    return router;
  }

  private void containersJson(RoutingContext ctx,
                              BiFunction<AgentView.ContainerView, ResourceStatistics, JsonObject> entry) {
    List<AgentView.ContainerView> containers = view.containers();
    vertx.executeBlocking(() -> {
      JsonArray array = new JsonArray();
      for (AgentView.ContainerView container : containers) {
        array.add(entry.apply(container, ContainerStatistics.of(container, clock)));
      }
      return array;
    }, false).onComplete(done -> {
      if (done.succeeded()) {
        ctx.json(done.result());
      } else {
        LOG.warn("{} failed: {}", ctx.request().path(), done.cause().toString());
        text(ctx.response(), 500, "Failed to read the containers' usage: " + done.cause().getMessage());
      }
    });
  }

  void handle(RoutingContext context) {
    HttpServerRequest request = context.request();
    HttpServerResponse response = context.response();
    Optional<Call> read = PostedCalls.read(context, Call.getDefaultInstance(), LOG, "an agent API call");
    if (read.isEmpty()) {
      return;
    }
    Call call = read.get();
    Optional<String> invalid = validate(call);
    if (invalid.isPresent()) {
      LOG.info("Refusing agent API call {}: {}", call.getType(), invalid.get());
      text(response, 400, "Failed to validate agent::Call: " + invalid.get());
      return;
    }
    Optional<MediaType> accepted = MediaTypes.negotiate(request.getHeader(HttpHeaders.ACCEPT));
    if (accepted.isEmpty()) {
      text(response, 406, "Expecting 'Accept' to allow " + MediaTypes.APPLICATION_JSON + " or "
          + MediaTypes.APPLICATION_PROTOBUF);
      return;
    }
    LOG.debug("Agent API call {}", call.getType());
    String filePath = call.getType() == Call.Type.LIST_FILES ? call.getListFiles().getPath()
        : call.getType() == Call.Type.READ_FILE ? call.getReadFile().getPath() : null;
    FilesEndpoint.Answer<Void> refusal = filePath == null ? null
        : files.authorize(context.get(dev.vmesos.agent.http.AgentHttpAuthentication.PRINCIPAL_KEY), filePath);
    if (refusal != null) {
      text(response, refusal.status(), refusal.error());
      return;
    }
    answer(call).onComplete(done -> {
      if (done.failed()) {
        LOG.warn("Agent API call {} failed: {}", call.getType(), done.cause().toString());
        text(response, 500, "Failed to handle " + call.getType() + ": " + done.cause().getMessage());
      } else if (done.result().response() == null) {
        text(response, done.result().status(), done.result().error());
      } else {
        response.setStatusCode(200)
            .putHeader(HttpHeaders.CONTENT_TYPE, accepted.get().mime())
            .end(Buffer.buffer(WireCodec.encode(done.result().response(), accepted.get())));
      }
    });
  }

  /** Mesos's agent call validation: a type, and the message its type needs. */
  static Optional<String> validate(Call call) {
    if (!call.hasType()) {
      return Optional.of("Expecting 'type' to be present");
    }
    if (call.getType() == Call.Type.LIST_FILES && !call.hasListFiles()) {
      return Optional.of("Expecting 'list_files' to be present");
    }
    if (call.getType() == Call.Type.SET_LOGGING_LEVEL && !call.hasSetLoggingLevel()) {
      return Optional.of("Expecting 'set_logging_level' to be present");
    }
    if (call.getType() == Call.Type.READ_FILE && !call.hasReadFile()) {
      return Optional.of("Expecting 'read_file' to be present");
    }
    if (call.getType() == Call.Type.READ_FILE && call.getReadFile().getOffset() < 0) {
      return Optional.of("'read_file.offset' is too large");
    }
    return Optional.empty();
  }

  /** A response, or a status with a plain-text reason. */
  record Answer(Response response, int status, String error) {

    static Answer ok(Response response) {
      return new Answer(response, 200, null);
    }

    static Answer fail(int status, String error) {
      return new Answer(null, status, error);
    }
  }

  private Future<Answer> answer(Call call) {
    Response.Builder response = Response.newBuilder();
    switch (call.getType()) {
      case GET_HEALTH -> response.setType(Response.Type.GET_HEALTH)
          .setGetHealth(Response.GetHealth.newBuilder().setHealthy(view.healthProblem().isEmpty()));
      case GET_FLAGS -> {
        Response.GetFlags.Builder list = Response.GetFlags.newBuilder();
        flags.forEach((name, value) -> list.addFlags(Flag.newBuilder().setName(name).setValue(value)));
        response.setType(Response.Type.GET_FLAGS).setGetFlags(list);
      }
      case GET_VERSION -> response.setType(Response.Type.GET_VERSION)
          .setGetVersion(Response.GetVersion.newBuilder().setVersionInfo(version.proto()));
      case GET_METRICS -> {
        Response.GetMetrics.Builder list = Response.GetMetrics.newBuilder();
        view.metrics().forEach((name, value) -> list.addMetrics(Metric.newBuilder().setName(name).setValue(value)));
        response.setType(Response.Type.GET_METRICS).setGetMetrics(list);
      }
      case GET_STATE -> response.setType(Response.Type.GET_STATE).setGetState(Response.GetState.newBuilder()
          .setGetTasks(view.tasks()).setGetExecutors(executors()).setGetFrameworks(frameworks()));
      case GET_FRAMEWORKS -> response.setType(Response.Type.GET_FRAMEWORKS).setGetFrameworks(frameworks());
      case GET_EXECUTORS -> response.setType(Response.Type.GET_EXECUTORS).setGetExecutors(executors());
      case GET_TASKS -> response.setType(Response.Type.GET_TASKS).setGetTasks(view.tasks());
      case GET_AGENT -> response.setType(Response.Type.GET_AGENT)
          .setGetAgent(Response.GetAgent.newBuilder().setAgentInfo(view.agentInfo()));
      case GET_CONTAINERS -> {
        List<AgentView.ContainerView> containers = view.containers();
        return vertx.executeBlocking(() -> {
          Response.GetContainers.Builder list = Response.GetContainers.newBuilder();
          for (AgentView.ContainerView container : containers) {
            list.addContainers(ContainerStatistics.proto(container, ContainerStatistics.of(container, clock)));
          }
          return Answer.ok(Response.newBuilder().setType(Response.Type.GET_CONTAINERS).setGetContainers(list).build());
        }, false);
      }
      case LIST_FILES -> {
        String path = call.getListFiles().getPath();
        if (LoggingRoutes.isVirtual(path, AgentObservability.LOG_PATH)) {
          return vertx.executeBlocking(() -> {
            java.util.Optional<java.nio.file.Path> file = LoggingRoutes.resolve(path, AgentObservability.LOG_PATH);
            return file.isEmpty() ? Answer.fail(404, "No such file or directory: '" + path + "'")
                : Answer.ok(Response.newBuilder().setType(Response.Type.LIST_FILES).setListFiles(
                    Response.ListFiles.newBuilder().addFileInfos(LoggingRoutes.fileInfo(file.get(),
                        AgentObservability.LOG_PATH))).build());
          }, false);
        }
        return vertx.executeBlocking(() -> {
          FilesEndpoint.Answer<List<dev.vmesos.api.v1.Protos.FileInfo>> listing = files.listFiles(path);
          return listing.ok()
              ? Answer.ok(Response.newBuilder().setType(Response.Type.LIST_FILES)
                  .setListFiles(Response.ListFiles.newBuilder().addAllFileInfos(listing.value())).build())
              : Answer.fail(listing.status(), listing.error());
        }, false);
      }
      case READ_FILE -> {
        Call.ReadFile read = call.getReadFile();
        // No length, or a uint64 beyond Long.MAX_VALUE: as much as the cap (16 pages) allows.
        long wanted = !read.hasLength() || read.getLength() < 0 ? -1 : read.getLength();
        if (LoggingRoutes.isVirtual(read.getPath(), AgentObservability.LOG_PATH)) {
          return vertx.executeBlocking(() -> {
            java.util.Optional<java.nio.file.Path> file = LoggingRoutes.resolve(read.getPath(),
                AgentObservability.LOG_PATH);
            if (file.isEmpty()) {
              return Answer.fail(404, "No such file or directory: '" + read.getPath() + "'");
            }
            LoggingRoutes.Chunk chunk = LoggingRoutes.chunk(file.get(), read.getOffset(), wanted);
            return Answer.ok(Response.newBuilder().setType(Response.Type.READ_FILE)
                .setReadFile(Response.ReadFile.newBuilder().setSize(chunk.size())
                    .setData(ByteString.copyFrom(chunk.data()))).build());
          }, false);
        }
        return vertx.executeBlocking(() -> {
          FilesEndpoint.Answer<FilesEndpoint.Chunk> chunk = files.chunk(read.getPath(), read.getOffset(), wanted);
          return chunk.ok()
              ? Answer.ok(Response.newBuilder().setType(Response.Type.READ_FILE)
                  .setReadFile(Response.ReadFile.newBuilder().setSize(chunk.value().size())
                      .setData(ByteString.copyFrom(chunk.value().data()))).build())
              : Answer.fail(chunk.status(), chunk.error());
        }, false);
      }
      case GET_LOGGING_LEVEL -> response.setType(Response.Type.GET_LOGGING_LEVEL)
          .setGetLoggingLevel(Response.GetLoggingLevel.newBuilder().setLevel(dev.vmesos.api.logging.Logging.verbosity()));
      case SET_LOGGING_LEVEL -> {
        Call.SetLoggingLevel set = call.getSetLoggingLevel();
        if (set.getLevel() < 0) {
          return Future.succeededFuture(Answer.fail(400, "Invalid level '" + Integer.toUnsignedString(set.getLevel())
              + "'"));
        }
        if (!set.hasDuration() || set.getDuration().getNanoseconds() < 0) {
          return Future.succeededFuture(Answer.fail(400, "Expecting a non-negative 'set_logging_level.duration'"));
        }
        dev.vmesos.api.logging.Logging.setVerbosity(set.getLevel(),
            java.time.Duration.ofNanos(set.getDuration().getNanoseconds()));
        return Future.succeededFuture(new Answer(null, 200, ""));
      }
      case UNKNOWN -> {
        return Future.succeededFuture(Answer.fail(501, "Received 'UNKNOWN' call"));
      }
      default -> {
        return Future.succeededFuture(Answer.fail(501, "'" + call.getType() + "' calls are not supported by this"
            + " agent"));
      }
    }
    return Future.succeededFuture(Answer.ok(response.build()));
  }

  private Response.GetFrameworks frameworks() {
    Response.GetFrameworks.Builder list = Response.GetFrameworks.newBuilder();
    view.frameworks().forEach(f -> list.addFrameworks(Response.GetFrameworks.Framework.newBuilder().setFrameworkInfo(f)));
    return list.build();
  }

  private Response.GetExecutors executors() {
    Response.GetExecutors.Builder list = Response.GetExecutors.newBuilder();
    view.executors().forEach(e -> list.addExecutors(Response.GetExecutors.Executor.newBuilder().setExecutorInfo(e)));
    return list.build();
  }

  private static void text(HttpServerResponse response, int status, String body) {
    PostedCalls.text(response, status, body);
  }
}
