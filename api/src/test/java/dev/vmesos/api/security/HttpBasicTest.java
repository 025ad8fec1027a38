package dev.vmesos.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.config.Credentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpBasicTest {

  @TempDir
  static Path dir;
  static Credentials credentials;

  @BeforeAll
  static void credentials() throws Exception {
    Path file = dir.resolve("credentials.json");
    Files.writeString(file, "{\"credentials\": [{\"principal\": \"ops\", \"secret\": \"s3cr:et\"},"
        + " {\"principal\": \"web\", \"secret\": \"webpass\"}]}");
    credentials = Credentials.readList("credentials", file.toString());
  }

  private static String basic(String raw) {
    return "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aValidHeaderGivesItsPrincipal() {
    assertThat(HttpBasic.authenticate(HttpBasic.header("web", "webpass"), credentials))
        .isEqualTo(new HttpBasic.Authenticated("web"));
    // The secret may hold a colon: the principal ends at the first one (RFC 7617).
    assertThat(HttpBasic.authenticate(basic("ops:s3cr:et"), credentials)).isEqualTo(new HttpBasic.Authenticated("ops"));
    assertThat(HttpBasic.authenticate("basic " + basic("web:webpass").substring(6), credentials))
        .isEqualTo(new HttpBasic.Authenticated("web"));
  }

  @Test
  void everythingElseIsRefusedWithAReasonThatNeverShowsTheSecret() {
    assertThat(HttpBasic.authenticate(null, credentials)).isEqualTo(new HttpBasic.Refused("no Authorization header"));
    assertThat(HttpBasic.authenticate("Bearer abc", credentials))
        .isEqualTo(new HttpBasic.Refused("the Authorization header is not HTTP Basic"));
    assertThat(HttpBasic.authenticate("Basic !!!", credentials))
        .isEqualTo(new HttpBasic.Refused("the Basic credentials are not base64"));
    assertThat(HttpBasic.authenticate(basic("webpass"), credentials))
        .isEqualTo(new HttpBasic.Refused("the Basic credentials are not principal:secret"));
    HttpBasic.Result wrong = HttpBasic.authenticate(basic("web:guess"), credentials);
    assertThat(wrong).isEqualTo(new HttpBasic.Refused("wrong principal or secret for 'web'"));
    assertThat(wrong.toString()).doesNotContain("guess");
    // Another principal's secret does not do.
    assertThat(HttpBasic.authenticate(basic("web:s3cr:et"), credentials)).isInstanceOf(HttpBasic.Refused.class);
    assertThat(HttpBasic.authenticate(basic("nobody:webpass"), credentials)).isInstanceOf(HttpBasic.Refused.class);
  }

  @Test
  void theTextFormatOfCredentialsWorksToo() throws Exception {
    Path file = dir.resolve("credentials.txt");
    Files.writeString(file, "alice apw\nbob bpw\n");
    Credentials text = Credentials.readList("credentials", "file://" + file);
    assertThat(HttpBasic.authenticate(HttpBasic.header("bob", "bpw"), text)).isEqualTo(new HttpBasic.Authenticated("bob"));
    assertThat(HttpBasic.authenticate(HttpBasic.header("bob", "apw"), text)).isInstanceOf(HttpBasic.Refused.class);
  }

  @Test
  void theChallengeNamesTheRealmAsMesosDoes() {
    assertThat(HttpBasic.challenge(HttpBasic.READWRITE_REALM)).isEqualTo("Basic realm=\"mesos-master-readwrite\"");
    assertThat(HttpBasic.challenge(HttpBasic.SCHEDULER_REALM)).isEqualTo("Basic realm=\"mesos-master-scheduler\"");
  }
}
