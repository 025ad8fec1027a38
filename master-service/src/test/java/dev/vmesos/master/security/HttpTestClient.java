package dev.vmesos.master.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.recordio.RecordIODecoder;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's HTTP client against a master on 127.0.0.1, with or without HTTP Basic: calls answered
 * at once, and RecordIO event streams read on a thread of their own into a queue.
 */
final class HttpTestClient {

  /** What the stream queue holds once the master has ended the stream. */
  static final JsonObject END = new JsonObject().put("type", "<end of stream>");

  record Reply(int status, java.net.http.HttpHeaders headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** An open event stream. */
  record Stream(int status, String streamId, BlockingQueue<JsonObject> events, String body) {
    /** The next event that is not a HEARTBEAT, within 10 s. */
    JsonObject next() throws InterruptedException {
      while (true) {
        JsonObject event = events.poll(10, TimeUnit.SECONDS);
        assertThat(event).as("an event within 10 s").isNotNull();
        if (!"HEARTBEAT".equals(event.getString("type"))) {
          return event;
        }
      }
    }

    JsonObject nextOfType(String type) throws InterruptedException {
      for (int i = 0; i < 100; i++) {
        JsonObject event = next();
        if (type.equals(event.getString("type"))) {
          return event;
        }
      }
      throw new AssertionError("no " + type + " event");
    }
  }

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;

  HttpTestClient(int port) {
    this.port = port;
  }

  static String basic(String principal, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  private HttpRequest.Builder request(String path, String authorization) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder;
  }

  Reply get(String path, String authorization) throws Exception {
    HttpResponse<String> response = client.send(request(path, authorization).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.headers(), response.body());
  }

  Reply post(String path, String authorization, String json, String streamId) throws Exception {
    HttpRequest.Builder builder = request(path, authorization).header("Content-Type", "application/json")
        .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    if (streamId != null) {
      builder.header("Mesos-Stream-Id", streamId);
    }
    HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.headers(), response.body());
  }

  /** A SUBSCRIBE: a 200 opens a stream read in the background; any other status comes with its body. */
  Stream subscribe(String path, String authorization, String json) throws Exception {
    HttpRequest request = request(path, authorization).header("Content-Type", "application/json")
        .header("Accept", "application/json").timeout(Duration.ofMinutes(5))
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
    if (response.statusCode() != 200) {
      try (InputStream in = response.body()) {
        return new Stream(response.statusCode(), null, events, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    Thread reader = new Thread(() -> {
      RecordIODecoder decoder = new RecordIODecoder();
      byte[] chunk = new byte[8192];
      try (InputStream in = response.body()) {
        int n;
        while ((n = in.read(chunk)) >= 0) {
          for (byte[] record : decoder.decode(java.util.Arrays.copyOf(chunk, n))) {
            events.add(new JsonObject(new String(record, StandardCharsets.UTF_8)));
          }
        }
      } catch (Exception e) {
        // The connection ended: the stream is over.
      }
      events.add(END);
    }, "stream-reader");
    reader.setDaemon(true);
    reader.start();
    return new Stream(200, response.headers().firstValue("Mesos-Stream-Id").orElse(null), events, "");
  }
}
