package dev.vmesos.agent.executor;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The executors' authentication tokens, as Mesos's agent makes them with {@code --jwt_secret_key}
 * (formerly {@code --executor_secret_key}): a JWT signed with HMAC-SHA256 under the key file's bytes,
 * header {@code {"alg":"HS256","typ":"JWT"}}, whose claims name the executor: {@code fid} (framework
 * id), {@code eid} (executor id) and {@code cid} (the run's container id). The executor gets it in
 * {@code MESOS_EXECUTOR_AUTHENTICATION_TOKEN} and sends it as {@code Authorization: Bearer <token>}.
 * Verification accepts only HS256 under the same key (never {@code alg: none}), compares the
 * signature in constant time, and honours an {@code exp} claim if one is present, as libprocess's
 * JWT parser does.
 */
public final class ExecutorTokens {

  public static final String FRAMEWORK_CLAIM = "fid";
  public static final String EXECUTOR_CLAIM = "eid";
  public static final String CONTAINER_CLAIM = "cid";
  /** The realm of Mesos's executor authenticator, named in {@code WWW-Authenticate}. */
  public static final String REALM = "mesos-agent-executor";

  private static final String HEADER = new JsonObject().put("alg", "HS256").put("typ", "JWT").encode();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final byte[] key;
  private final Clock clock;

  public ExecutorTokens(byte[] key, Clock clock) {
    if (key.length == 0) {
      throw new IllegalArgumentException("the JWT secret key is empty");
    }
    this.key = key.clone();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The token of one executor run. */
  public String sign(String frameworkId, String executorId, String containerId) {
    JsonObject claims = new JsonObject()
        .put(FRAMEWORK_CLAIM, frameworkId)
        .put(EXECUTOR_CLAIM, executorId)
        .put(CONTAINER_CLAIM, containerId);
    String signingInput = encode(HEADER) + "." + encode(claims.encode());
    return signingInput + "." + ENCODER.encodeToString(hmac(signingInput));
  }

  /** What a token says about its bearer, or why it says nothing. */
  public sealed interface Verified permits Claims, Invalid {
  }

  /** The claims of a valid token, each as a string (a non-string claim in its JSON text, as Mesos). */
  public record Claims(Map<String, String> values) implements Verified {

    public Claims {
      values = Map.copyOf(values);
    }

    public String get(String claim) {
      return values.get(claim);
    }
  }

  /** Why a token was refused (the {@code error_description} of the 401). */
  public record Invalid(String reason) implements Verified {
  }

  /** Checks {@code token}'s form, algorithm, signature and expiry. */
  public Verified verify(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return new Invalid("Expected 3 parts in a JWT, got " + parts.length);
    }
    JsonObject header;
    JsonObject payload;
    byte[] signature;
    try {
      header = new JsonObject(decode(parts[0]));
      payload = new JsonObject(decode(parts[1]));
      signature = DECODER.decode(parts[2]);
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return new Invalid("Malformed JWT: " + e.getMessage());
    }
    Object alg = header.getValue("alg");
    if (!"HS256".equals(alg)) {
      return new Invalid("Unsupported token algorithm: " + alg);
    }
    if (!MessageDigest.isEqual(signature, hmac(parts[0] + "." + parts[1]))) {
      return new Invalid("Token signature does not match");
    }
    Object exp = payload.getValue("exp");
    if (exp != null) {
      if (!(exp instanceof Number seconds)) {
        return new Invalid("Token 'exp' is not a number");
      }
      if (seconds.longValue() <= clock.instant().getEpochSecond()) {
        return new Invalid("Token has expired");
      }
    }
    if (payload.isEmpty()) {
      return new Invalid("JWT claims missing");
    }
    Map<String, String> claims = new LinkedHashMap<>();
    payload.forEach(entry -> claims.put(entry.getKey(), entry.getValue() instanceof String text ? text
        : String.valueOf(io.vertx.core.json.Json.encode(entry.getValue()))));
    return new Claims(claims);
  }

  private byte[] hmac(String signingInput) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static String encode(String json) {
    return ENCODER.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String part) {
    return new String(DECODER.decode(part), StandardCharsets.UTF_8);
  }
}
