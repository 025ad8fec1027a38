package dev.vmesos.agent.api;

import dev.vmesos.api.v1.Protos.VersionInfo;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * What the agent's {@code /version} and {@code GET_VERSION} report: the Mesos API version it speaks
 * and when this build was made (the modification time of the code it runs from), as Mesos writes
 * them; git fields are left out, as Mesos leaves them out of builds without git.
 */
public record AgentVersion(String version, String buildDate, double buildTime, String buildUser) {

  /** The Mesos release whose agent API vmesos speaks (clients compare it). */
  public static final String MESOS_VERSION = "1.11.0";

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  public static AgentVersion current() {
    Instant built = Instant.EPOCH;
    try {
      Path code = Path.of(AgentVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      built = Files.getLastModifiedTime(code).toInstant();
    } catch (Exception e) {
      // No readable code source (an unusual class loader): report the epoch rather than fail.
    }
    return new AgentVersion(MESOS_VERSION, DATE.format(built), built.getEpochSecond(), "vmesos");
  }

  public JsonObject json() {
    return new JsonObject().put("version", version).put("build_date", buildDate).put("build_time", buildTime)
        .put("build_user", buildUser);
  }

  public VersionInfo proto() {
    return VersionInfo.newBuilder().setVersion(version).setBuildDate(buildDate).setBuildTime(buildTime)
        .setBuildUser(buildUser).build();
  }
}
