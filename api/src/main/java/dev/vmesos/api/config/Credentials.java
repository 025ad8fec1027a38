package dev.vmesos.api.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mesos's credential files. A master's {@code --credentials} holds many, as JSON
 * ({@code {"credentials": [{"principal": "p", "secret": "s"}]}}) or as text (one
 * {@code principal secret} per line); an agent's {@code --credential} holds one, as JSON
 * ({@code {"principal": "p", "secret": "s"}}) or as one text line. A path may start with
 * {@code file://}, as Mesos allows.
 */
public final class Credentials {

  /** One principal and its secret. {@link #toString()} never shows the secret. */
  public record Credential(String principal, String secret) {

    public Credential {
      if (principal == null || principal.isBlank()) {
        throw new IllegalArgumentException("a credential needs a principal");
      }
      if (secret == null || secret.isEmpty()) {
        throw new IllegalArgumentException("the credential of principal '" + principal + "' has no secret");
      }
    }

    /** Whether {@code candidate} is this secret, in time that does not depend on where they differ. */
    public boolean secretMatches(String candidate) {
      return candidate != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
          candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Credential[principal=" + principal + "]";
    }
  }

  private final List<Credential> all;

  private Credentials(List<Credential> all) {
    this.all = List.copyOf(all);
  }

  public List<Credential> all() {
    return all;
  }

  /** The credential of {@code principal} whose secret is {@code secret}, if any. */
  public Optional<Credential> authenticate(String principal, String secret) {
    Optional<Credential> match = Optional.empty();
    for (Credential credential : all) {
      // Every entry is compared, so the time taken does not tell which principal exists.
      if (credential.principal().equals(principal) & credential.secretMatches(secret)) {
        match = Optional.of(credential);
      }
    }
    return match;
  }

  /**
   * Reads a master's {@code --credentials} file.
   *
   * @throws FlagException naming {@code flag} when the file cannot be read or holds no credential
   */
  public static Credentials readList(String flag, String path) {
    String text = read(flag, path);
    List<Credential> list = new ArrayList<>();
    try {
      if (text.stripLeading().startsWith("{")) {
        JsonArray entries = new JsonObject(text).getJsonArray("credentials");
        if (entries == null) {
          throw new FlagException("Flag '--" + flag + "': " + path + " has no \"credentials\" array");
        }
        for (Object entry : entries) {
          if (!(entry instanceof JsonObject json)) {
            throw new FlagException("Flag '--" + flag + "': every entry of \"credentials\" in " + path + " must be an object");
          }
          list.add(new Credential(json.getString("principal"), json.getString("secret")));
        }
      } else {
        for (String line : text.split("\n")) {
          if (!line.isBlank()) {
            list.add(fromLine(line));
          }
        }
      }
    } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
      throw new FlagException("Flag '--" + flag + "': cannot read credentials from " + path + ": " + e.getMessage());
    }
    if (list.isEmpty()) {
      throw new FlagException("Flag '--" + flag + "': " + path + " holds no credential");
    }
    return new Credentials(list);
  }

  /**
   * Reads an agent's (or a framework's) {@code --credential} file.
   *
   * @throws FlagException naming {@code flag} when the file cannot be read or is not one credential
   */
  public static Credential readOne(String flag, String path) {
    String text = read(flag, path).strip();
    try {
      if (text.startsWith("{")) {
        JsonObject json = new JsonObject(text);
        return new Credential(json.getString("principal"), json.getString("secret"));
      }
      if (text.contains("\n")) {
        throw new IllegalArgumentException("expected one line 'principal secret'");
      }
      return fromLine(text);
    } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
      throw new FlagException("Flag '--" + flag + "': cannot read a credential from " + path + ": " + e.getMessage());
    }
  }

  private static Credential fromLine(String line) {
    String[] parts = line.strip().split("\\s+");
    if (parts.length != 2) {
      throw new IllegalArgumentException("expected 'principal secret' on each line");
    }
    return new Credential(parts[0], parts[1]);
  }

  private static String read(String flag, String path) {
    String file = path.startsWith("file://") ? path.substring("file://".length()) : path;
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new FlagException("Flag '--" + flag + "': cannot read " + file + ": " + e);
    }
  }
}
