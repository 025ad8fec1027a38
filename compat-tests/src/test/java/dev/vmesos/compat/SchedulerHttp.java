package dev.vmesos.compat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * A plain HTTP scheduler client on {@link java.net.http.HttpClient}, speaking one media type, as a
 * scheduler outside vmesos would: SUBSCRIBE opens an {@link EventStream}; other calls are one POST each
 * carrying {@code Mesos-Stream-Id}. Every exchange is written to the test log.
 */
final class SchedulerHttp {

  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  /** A finished response, with a rendering for assertion messages. */
  record Reply(String request, int status, HttpHeaders headers, String body) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return request + "\n  -> " + status + " " + new TreeMap<>(headers.map()) + " body: '" + body + "'";
    }
  }

  private final HttpClient client;
  private final URI endpoint;
  private final Media media;
  /** The {@code Authorization} header every request carries (HTTP Basic); null: none. */
  private final String authorization;

  SchedulerHttp(HttpClient client, URI endpoint, Media media) {
    this(client, endpoint, media, null);
  }

  SchedulerHttp(HttpClient client, URI endpoint, Media media, String authorization) {
    this.client = client;
    this.endpoint = endpoint;
    this.media = media;
    this.authorization = authorization;
  }

  /** {@code Authorization: Basic base64(principal:secret)}, as a scheduler sends its credential to Mesos. */
  static String basic(String principal, String secret) {
    return "Basic " + java.util.Base64.getEncoder().encodeToString((principal + ":" + secret)
        .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A client for HTTPS that trusts the certificates {@code caPem} signed (the scheduler's
   * {@code LIBPROCESS_SSL_CA_FILE}), checking the master's name as HTTPS does.
   */
  static HttpClient newClient(java.nio.file.Path caPem) throws java.security.GeneralSecurityException, IOException {
    java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = java.nio.file.Files.newInputStream(caPem)) {
      trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(in));
    }
    javax.net.ssl.TrustManagerFactory trustManagers = javax.net.ssl.TrustManagerFactory.getInstance(
        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
    ssl.init(null, trustManagers.getTrustManagers(), null);
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        .sslContext(ssl)
        .build();
  }

  static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  Media media() {
    return media;
  }

  /** Sends SUBSCRIBE and returns once the response headers are in; the events are read as they come. */
  EventStream subscribe(Call subscribe, String name) throws IOException, InterruptedException {
    return subscribeAccepting(subscribe, media, name);
  }

  /** SUBSCRIBE in this client's media type, asking ({@code Accept}) for events in {@code accept}'s. */
  EventStream subscribeAccepting(Call subscribe, Media accept, String name) throws IOException, InterruptedException {
    HttpRequest request = post(subscribe, null).header("Accept", accept.type).build();
    System.out.println("[compat] " + name + " -> " + describe(request, subscribe));
    HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    System.out.println("[compat] " + name + " <- " + response.statusCode() + " " + new TreeMap<>(response.headers().map()));
    return new EventStream(response, accept, name);
  }

  /** Any call but SUBSCRIBE, on the stream {@code streamId} (null: no header). */
  Reply call(Call call, String streamId) throws IOException, InterruptedException {
    return send(post(call, streamId).build(), call);
  }

  /** A GET on the master, such as {@code /redirect}. */
  Reply get(URI uri) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT).GET().build();
    return send(request, null);
  }

  /**
   * A hand-written request to the scheduler endpoint ({@code headers}: name, value, ...), for what the
   * generated classes cannot express: bad media types, missing headers, JSON with nulls.
   */
  Reply raw(String method, String body, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint).timeout(CALL_TIMEOUT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    HttpRequest request = builder.build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    Reply reply = new Reply(request.method() + " " + request.uri() + " " + new TreeMap<>(request.headers().map())
        + (body == null ? "" : " body: " + body), response.statusCode(), response.headers(), response.body());
    System.out.println("[compat] " + reply);
    return reply;
  }

  /** SUBSCRIBE with a hand-written body in this client's media type. */
  EventStream subscribeRaw(String body, String name) throws IOException, InterruptedException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint).timeout(CALL_TIMEOUT)
        .header("Content-Type", media.type).header("Accept", media.type)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    HttpRequest request = builder.build();
    System.out.println("[compat] " + name + " -> POST " + endpoint + " body: " + body);
    HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    System.out.println("[compat] " + name + " <- " + response.statusCode() + " " + new TreeMap<>(response.headers().map()));
    return new EventStream(response, media, name);
  }

  private Reply send(HttpRequest request, Call call) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    Reply reply = new Reply(describe(request, call), response.statusCode(), response.headers(), response.body());
    System.out.println("[compat] " + reply);
    return reply;
  }

  private HttpRequest.Builder post(Call call, String streamId) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
        .timeout(CALL_TIMEOUT)
        .header("Content-Type", media.type)
        .POST(HttpRequest.BodyPublishers.ofByteArray(media.encode(call)));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    if (streamId != null) {
      builder.header("Mesos-Stream-Id", streamId);
    }
    return builder;
  }

  private String describe(HttpRequest request, Call call) {
    Map<String, Object> headers = new TreeMap<>(request.headers().map());
    headers.computeIfPresent("Authorization", (name, value) -> "<credential>");
    String body = call == null ? "" : " body: " + (media == Media.JSON
        ? new String(media.encode(call), StandardCharsets.UTF_8)
        : call.toString().replace('\n', ' '));
    return request.method() + " " + request.uri() + " " + headers + body;
  }
}
