package dev.vmesos.agent.docker;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DockerEngine} over the Engine API, spoken with Vert.x's HTTP client on the engine's Unix
 * socket (Vert.x's NIO transport supports domain sockets on JDK 16+; no native transport needed).
 *
 * <p>Paths carry an API version, {@value #API_VERSION} (Docker 20.10) unless the engine cannot speak
 * it (see {@link #negotiate}), so a newer engine keeps the semantics this class was written for.
 * Exit waits and output streams hold a connection each for a container's life: they have no timeout,
 * and the pool is sized by {@link DockerOptions#maxConnections()}.
 */
final class HttpDockerEngine implements DockerEngine {

  private static final Logger LOG = LoggerFactory.getLogger(HttpDockerEngine.class);

  /** The Engine API version this client is written against. */
  static final String API_VERSION = "1.41";

  private static final long NO_TIMEOUT = 0;

  private final Vertx vertx;
  private final DockerOptions options;
  private final SocketAddress socket;
  private final HttpClientAgent client;
  /** {@code /v1.41}, once the engine has said which versions it speaks; retried after a failure. */
  private final AtomicReference<Future<String>> apiPrefix = new AtomicReference<>();

  HttpDockerEngine(Vertx vertx, DockerOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.socket = SocketAddress.domainSocketAddress(options.socketPath());
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(options.maxConnections()));
  }

  @Override
  public Future<String> ping() {
    return onContext(() -> versioned("Docker version check", HttpMethod.GET, "/version", null, shortTimeout(), 200)
        .map(body -> body.toJsonObject().getString("Version", "unknown")));
  }

  @Override
  public Future<String> ping(Duration timeout) {
    long millis = Math.max(1, timeout.toMillis());
    return onContext(() -> call("Docker ping", HttpMethod.GET, "/_ping", null, millis, 200)
        .map(Buffer::toString)
        .timeout(millis, java.util.concurrent.TimeUnit.MILLISECONDS));
  }

  @Override
  public Future<StartedContainer> run(DockerLaunch launch) {
    ContainerSpec spec;
    try {
      spec = ContainerSpec.of(launch);
    } catch (IllegalArgumentException e) {
      LOG.warn("Refusing Docker container {} for task {} of framework {}: {}", launch.containerName(),
          launch.taskId().orElse("-"), launch.frameworkId(), e.getMessage());
      return Future.failedFuture(new DockerException(e.getMessage()));
    }
    LOG.info("Launching Docker container {} from image {} for executor {}, task {} of framework {}", spec.name(),
        spec.image(), launch.executorId(), launch.taskId().orElse("-"), launch.frameworkId());
    return onContext(() -> ensureImage(spec)
        .compose(v -> SandboxOutput.open(vertx, launch.sandbox()))
        .compose(output -> createAndStart(spec, output).onFailure(e -> output.close()))
        .onFailure(e -> LOG.warn("Docker container {} was not started: {}", spec.name(), e.getMessage())));
  }

  @Override
  public Future<Void> followOutput(String container, Path sandbox) {
    return onContext(() -> SandboxOutput.open(vertx, sandbox).compose(output -> attach(container, output)
        .onFailure(e -> output.close())
        .compose(copied -> copied)));
  }

  @Override
  public Future<ContainerExit> awaitExit(String container) {
    return onContext(() -> versioned("Docker wait for container " + container, HttpMethod.POST,
        containerPath(container) + "/wait", null, NO_TIMEOUT, 200)
        .compose(body -> {
          JsonObject result = body.toJsonObject();
          int exitCode = result.getInteger("StatusCode", -1);
          JsonObject error = result.getJsonObject("Error");
          if (error != null && error.getString("Message") != null && !error.getString("Message").isEmpty()) {
            LOG.warn("Docker wait for container {} reported: {}", container, error.getString("Message"));
          }
          return inspect(container).map(state -> new ContainerExit(exitCode, state.oomKilled()));
        })
        .onSuccess(exit -> LOG.info("Docker container {} exited with status {}{}", container, exit.exitCode(),
            exit.oomKilled() ? ", killed for exceeding its memory limit" : "")));
  }

  @Override
  public Future<Void> stop(String container, Duration grace) {
    long seconds = Math.max(0, (grace.toMillis() + 999) / 1000);
    LOG.info("Stopping Docker container {} (SIGKILL after {} s)", container, seconds);
    // 304: it was not running.
    return onContext(() -> versioned("Docker stop of container " + container, HttpMethod.POST,
        containerPath(container) + "/stop?t=" + seconds, null, shortTimeout() + seconds * 1000, 204, 304)
        .mapEmpty());
  }

  @Override
  public Future<Void> kill(String container) {
    LOG.info("Killing Docker container {}", container);
    return onContext(() -> versioned("Docker kill of container " + container, HttpMethod.POST,
        containerPath(container) + "/kill?signal=SIGKILL", null, shortTimeout(), 204)
        .mapEmpty());
  }

  @Override
  public Future<Void> remove(String container) {
    return onContext(() -> versioned("Docker removal of container " + container, HttpMethod.DELETE,
        containerPath(container) + "?force=true&v=true", null, shortTimeout(), 204)
        .onSuccess(v -> LOG.info("Removed Docker container {}", container))
        .mapEmpty());
  }

  @Override
  public Future<List<ContainerSummary>> list(String agentId) {
    String filters = new JsonObject()
        .put("label", new JsonArray().add(ContainerLabels.AGENT_ID + "=" + agentId))
        .encode();
    return onContext(() -> versioned("Docker list of containers of agent " + agentId, HttpMethod.GET,
        "/containers/json?all=true&filters=" + encode(filters), null, shortTimeout(), 200)
        .map(body -> {
          List<ContainerSummary> containers = new ArrayList<>();
          for (Object item : body.toJsonArray()) {
            containers.add(ContainerSummary.fromList((JsonObject) item));
          }
          LOG.debug("Docker lists {} containers of agent {}", containers.size(), agentId);
          return containers;
        }));
  }

  @Override
  public Future<ContainerState> inspect(String container) {
    return onContext(() -> versioned("Docker inspect of container " + container, HttpMethod.GET,
        containerPath(container) + "/json", null, shortTimeout(), 200)
        .map(body -> ContainerState.fromInspect(body.toJsonObject())));
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  // ---- launch steps ------------------------------------------------------------------------------

  /**
   * Mesos's rule: an image that is not on the agent is pulled, and {@code force_pull_image} pulls it
   * before every launch even when it is.
   */
  private Future<Void> ensureImage(ContainerSpec spec) {
    String image = spec.image();
    if (spec.forcePull()) {
      return pull(image, "force_pull_image is set");
    }
    return versioned("Docker inspect of image '" + image + "'", HttpMethod.GET, "/images/" + image + "/json", null,
        shortTimeout(), 200)
        .<Void>mapEmpty()
        .recover(e -> e instanceof DockerEngineException engine && engine.status() == 404
            ? pull(image, "it is not on this agent")
            : Future.failedFuture(e));
  }

  /**
   * Pulls {@code image} in a phase of its own: the engine's progress is logged as each layer changes
   * state, and the whole pull must end within {@link DockerOptions#pullTimeout()}, after which its
   * connection is closed (the engine then cancels it). A failure carries the engine's reason.
   */
  private Future<Void> pull(String image, String why) {
    String operation = "Docker pull of image '" + image + "'";
    long timeoutMs = options.pullTimeout().toMillis();
    LOG.info("Pulling Docker image {} ({}); at most {} s", image, why, options.pullTimeout().toSeconds());
    long started = System.nanoTime();
    Promise<Void> done = Promise.promise();
    AtomicReference<HttpClientResponse> stream = new AtomicReference<>();
    long timer = vertx.setTimer(timeoutMs, id -> {
      if (done.tryFail(new DockerException(operation + " timed out after " + options.pullTimeout().toSeconds()
          + " s (--docker_pull_timeout)"))) {
        HttpClientResponse response = stream.get();
        if (response != null) {
          response.request().connection().close();
        }
      }
    });
    Map<String, String> headers = options.registryAuths().header(image)
        .map(auth -> Map.of("X-Registry-Auth", auth)).orElse(Map.of());
    versioned(operation, HttpMethod.POST, "/images/create?" + pullQuery(image), headers).onComplete(opened -> {
      if (opened.failed()) {
        done.tryFail(opened.cause());
        return;
      }
      HttpClientResponse response = opened.result();
      stream.set(response);
      if (done.future().isComplete()) {
        response.request().connection().close();
        return;
      }
      PullProgress progress = new PullProgress(image);
      response.handler(io.vertx.core.parsetools.RecordParser.newDelimited("\n", line -> progress.line(line)
          .ifPresent(error -> done.tryFail(new DockerException(operation + " failed: " + error)))));
      response.exceptionHandler(e -> done.tryFail(new DockerException(operation + " failed: " + describe(e), e)));
      response.endHandler(v -> done.tryComplete());
      response.resume();
    });
    return done.future().andThen(result -> {
      vertx.cancelTimer(timer);
      if (result.succeeded()) {
        LOG.info("Pulled Docker image {} in {} ms", image, (System.nanoTime() - started) / 1_000_000);
      } else {
        LOG.warn("{}", result.cause().getMessage());
      }
    });
  }

  /** Creates, attaches to and starts; a container created but not started is removed again. */
  private Future<StartedContainer> createAndStart(ContainerSpec spec, SandboxOutput output) {
    String name = spec.name();
    return versioned("Docker create of container " + name, HttpMethod.POST,
        "/containers/create?name=" + encode(name), spec.body(), shortTimeout(), 201)
        .map(body -> {
          JsonObject created = body.toJsonObject();
          JsonArray warnings = created.getJsonArray("Warnings");
          if (warnings != null && !warnings.isEmpty()) {
            LOG.warn("Docker created container {} with warnings: {}", name, warnings.encode());
          }
          return created.getString("Id");
        })
        .compose(id -> attachAndStart(id, name, output)
            .recover(e -> remove(id).transform(removed -> {
              if (removed.failed()) {
                LOG.warn("Could not remove Docker container {} after its failed start: {}", name,
                    removed.cause().getMessage());
              }
              return Future.<StartedContainer>failedFuture(e);
            })));
  }

  /** Attaching before starting loses no output and works whatever the engine's log driver is. */
  private Future<StartedContainer> attachAndStart(String id, String name, SandboxOutput output) {
    return attach(id, output).compose(copied ->
        versioned("Docker start of container " + name, HttpMethod.POST, "/containers/" + id + "/start", null,
            shortTimeout(), 204)
            .map(v -> {
              LOG.info("Docker container {} started (id {})", name, shortId(id));
              return new StartedContainer(id, name, copied);
            }));
  }

  /** Completes once attached, with the copy of the output, which completes when the stream ends. */
  private Future<Future<Void>> attach(String container, SandboxOutput output) {
    return versioned("Docker attach to container " + container, HttpMethod.POST,
        containerPath(container) + "/attach?stream=true&stdout=true&stderr=true")
        .map(response -> output.copy(response, container));
  }

  // ---- HTTP --------------------------------------------------------------------------------------

  /** A call whose response body is read whole; a status outside {@code ok} is the engine's error. */
  private Future<Buffer> versioned(String operation, HttpMethod method, String path, JsonObject body, long timeoutMs,
      int... ok) {
    return prefixHere().compose(prefix -> call(operation, method, prefix + path, body, timeoutMs, ok));
  }

  /**
   * A streaming call with no timeout: the response is handed over paused, after a 200. The engine
   * hijacks a stream's connection (it reads no further HTTP requests on it), so the request says
   * {@code Connection: close} and the client never returns that connection to its pool.
   */
  private Future<HttpClientResponse> versioned(String operation, HttpMethod method, String path) {
    return versioned(operation, method, path, Map.of());
  }

  /** Same, with request headers (a pull's registry credentials). */
  private Future<HttpClientResponse> versioned(String operation, HttpMethod method, String path,
      Map<String, String> headers) {
    return prefixHere()
        .compose(prefix -> exchange(operation, method, prefix + path, null, NO_TIMEOUT, false, headers))
        .compose(response -> {
          if (response.statusCode() == 200) {
            response.pause();
            return Future.succeededFuture(response);
          }
          return response.body().compose(b -> Future.failedFuture(engineError(operation, response.statusCode(), b)));
        });
  }

  private Future<Buffer> call(String operation, HttpMethod method, String uri, JsonObject body, long timeoutMs,
      int... ok) {
    return exchange(operation, method, uri, body, timeoutMs, true)
        .compose(response -> response.body().compose(b -> {
          for (int status : ok) {
            if (response.statusCode() == status) {
              return Future.succeededFuture(b);
            }
          }
          return Future.failedFuture(engineError(operation, response.statusCode(), b));
        }));
  }

  private Future<HttpClientResponse> exchange(String operation, HttpMethod method, String uri, JsonObject body,
      long timeoutMs, boolean keepAlive) {
    return exchange(operation, method, uri, body, timeoutMs, keepAlive, Map.of());
  }

  private Future<HttpClientResponse> exchange(String operation, HttpMethod method, String uri, JsonObject body,
      long timeoutMs, boolean keepAlive, Map<String, String> headers) {
    LOG.debug("Docker engine request {} {}", method, uri);
    RequestOptions request = new RequestOptions().setServer(socket).setHost("localhost")
        .setMethod(method).setURI(uri).setConnectTimeout(shortTimeout());
    headers.forEach(request::putHeader);
    if (!keepAlive) {
      request.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    if (timeoutMs > 0) {
      request.setIdleTimeout(timeoutMs);
    }
    return client.request(request)
        .recover(e -> Future.failedFuture(new DockerException(
            "Docker engine is not reachable at " + options.socketPath() + ": " + describe(e), e)))
        .compose(req -> {
          Future<HttpClientResponse> sent = body == null
              ? req.send()
              : req.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").send(body.toBuffer());
          return sent.recover(e -> Future.failedFuture(e instanceof DockerException
              ? e
              : new DockerException(operation + " failed: " + describe(e), e)));
        });
  }

  /**
   * Runs {@code action} on the caller's context, or on a new one when called from a thread without
   * one. The HTTP client delivers a response's events on the request's context, and the handlers
   * reading them must be set in the task that receives the response: done from another thread, the
   * body could be delivered before anyone listens, and the call would never complete.
   */
  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    if (Vertx.currentContext() != null) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      try {
        action.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  /** The API prefix; a version check another context started is waited for on this one. */
  private Future<String> prefixHere() {
    Future<String> shared = apiPrefix();
    if (shared.isComplete()) {
      return shared;
    }
    Context context = vertx.getOrCreateContext();
    Promise<String> here = Promise.promise();
    shared.onComplete(result -> context.runOnContext(v -> here.handle(result)));
    return here.future();
  }

  private Future<String> apiPrefix() {
    Future<String> known = apiPrefix.get();
    if (known != null && !known.failed()) {
      return known;
    }
    Promise<String> asking = Promise.promise();
    if (!apiPrefix.compareAndSet(known, asking.future())) {
      return apiPrefix(); // another caller is asking already
    }
    call("Docker version check", HttpMethod.GET, "/version", null, shortTimeout(), 200)
        .map(body -> {
          JsonObject version = body.toJsonObject();
          String api = negotiate(version.getString("ApiVersion"), version.getString("MinAPIVersion"));
          LOG.info("Docker engine {} at {}: Engine API {} (engine speaks {} to {})", version.getString("Version"),
              options.socketPath(), api, version.getString("MinAPIVersion"), version.getString("ApiVersion"));
          return "/v" + api;
        })
        .onComplete(asking);
    return asking.future();
  }

  /**
   * {@value #API_VERSION}, unless the engine is older (then its own version, as the docker CLI
   * negotiates) or has dropped it (then its oldest).
   */
  static String negotiate(String engineVersion, String engineMinimum) {
    if (engineVersion != null && compareVersions(API_VERSION, engineVersion) > 0) {
      return engineVersion;
    }
    if (engineMinimum != null && compareVersions(API_VERSION, engineMinimum) < 0) {
      return engineMinimum;
    }
    return API_VERSION;
  }

  static int compareVersions(String a, String b) {
    String[] left = a.split("\\.");
    String[] right = b.split("\\.");
    for (int i = 0; i < Math.max(left.length, right.length); i++) {
      int l = i < left.length ? Integer.parseInt(left[i]) : 0;
      int r = i < right.length ? Integer.parseInt(right[i]) : 0;
      if (l != r) {
        return Integer.compare(l, r);
      }
    }
    return 0;
  }

  /** Without a tag or digest the engine would pull every tag; {@code docker pull} means latest. */
  static String pullQuery(String image) {
    String query = "fromImage=" + encode(image);
    boolean tagged = image.indexOf('@') >= 0 || image.lastIndexOf(':') > image.lastIndexOf('/');
    return tagged ? query : query + "&tag=latest";
  }

  static DockerEngineException engineError(String operation, int status, Buffer body) {
    String text = body.toString().trim();
    String message = text;
    try {
      Object value = new JsonObject(text).getValue("message");
      if (value != null) {
        message = String.valueOf(value);
      }
    } catch (DecodeException | ClassCastException e) {
      // Not the engine's usual {"message": ...}: keep the raw text.
    }
    return new DockerEngineException(operation, status, message.isEmpty() ? "(no message)" : message);
  }

  private long shortTimeout() {
    return options.requestTimeout().toMillis();
  }

  private static String containerPath(String container) {
    return "/containers/" + encode(container);
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
