package dev.vmesos.master.operator;

import dev.vmesos.api.v1.Protos.VersionInfo;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * What {@code /version}, {@code GET_VERSION} and {@code /state} report about this build. Mesos
 * writes {@code git_sha}/{@code git_branch}/{@code git_tag} only when it was built from a git
 * checkout; vmesos does not record them, so they are left out as Mesos leaves them out.
 *
 * @param version   the Mesos API version spoken (clients compare it, e.g. "1.11.0")
 * @param buildDate {@code yyyy-MM-dd HH:mm:ss} (UTC), as Mesos writes it
 * @param buildTime the same instant in seconds since the epoch
 * @param buildUser who built it
 */
public record BuildInfo(String version, String buildDate, double buildTime, String buildUser) {

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  /**
   * This build: the given API version, dated by the modification time of the code it runs from
   * (the jar, or the classes directory in development).
   */
  public static BuildInfo of(String version) {
    Instant built = Instant.EPOCH;
    try {
      Path code = Path.of(BuildInfo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      built = Files.getLastModifiedTime(code).toInstant();
    } catch (Exception e) {
      // No readable code source (unusual class loader): report the epoch rather than fail.
    }
    return new BuildInfo(version, DATE.format(built), built.getEpochSecond(), "vmesos");
  }

  JsonObject json() {
    return new JsonObject()
        .put("version", version)
        .put("build_date", buildDate)
        .put("build_time", buildTime)
        .put("build_user", buildUser);
  }

  VersionInfo proto() {
    return VersionInfo.newBuilder().setVersion(version).setBuildDate(buildDate).setBuildTime(buildTime)
        .setBuildUser(buildUser).build();
  }
}
