package dev.vmesos.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** The Engine API details of {@link HttpDockerEngine} that need no engine. */
class HttpDockerEngineTest {

  @Test
  void speaksApi141UnlessTheEngineCannot() {
    assertThat(HttpDockerEngine.negotiate("1.41", "1.12")).isEqualTo("1.41");
    assertThat(HttpDockerEngine.negotiate("1.51", "1.24")).isEqualTo("1.41");
    assertThat(HttpDockerEngine.negotiate("1.40", "1.12")).isEqualTo("1.40");
    assertThat(HttpDockerEngine.negotiate("1.52", "1.44")).isEqualTo("1.44");
    assertThat(HttpDockerEngine.compareVersions("1.9", "1.10")).isNegative();
  }

  @Test
  void anUntaggedImageIsPulledAsLatestNotEveryTag() {
    assertThat(HttpDockerEngine.pullQuery("busybox")).isEqualTo("fromImage=busybox&tag=latest");
    assertThat(HttpDockerEngine.pullQuery("127.0.0.1:5000/team/app"))
        .isEqualTo("fromImage=127.0.0.1%3A5000%2Fteam%2Fapp&tag=latest");
    assertThat(HttpDockerEngine.pullQuery("team/app:1.2")).isEqualTo("fromImage=team%2Fapp%3A1.2");
    assertThat(HttpDockerEngine.pullQuery("app@sha256:abc")).isEqualTo("fromImage=app%40sha256%3Aabc");
  }

  @Test
  void aPullThatFailsMidwayIsFoundInItsProgressStream() {
    Buffer ok = Buffer.buffer("{\"status\":\"Pulling from team/app\"}\r\n{\"status\":\"Downloaded newer image\"}\r\n");
    Buffer failed = Buffer.buffer("{\"status\":\"Pulling from team/app\"}\r\n"
        + "{\"errorDetail\":{\"message\":\"manifest unknown\"},\"error\":\"manifest unknown\"}\r\n");

    PullProgress progress = new PullProgress("team/app");
    for (String line : ok.toString().split("\n")) {
      assertThat(progress.line(Buffer.buffer(line))).isEmpty();
    }
    String[] lines = failed.toString().split("\n");
    assertThat(progress.line(Buffer.buffer(lines[0]))).isEmpty();
    assertThat(progress.line(Buffer.buffer(lines[1]))).contains("manifest unknown");
    assertThat(progress.line(Buffer.buffer("not json"))).isEmpty();
  }

  @Test
  void engineErrorsCarryTheStatusAndTheEnginesMessage() {
    DockerEngineException json = HttpDockerEngine.engineError("Docker kill of container x", 409,
        Buffer.buffer("{\"message\":\"Container x is not running\"}"));
    DockerEngineException text = HttpDockerEngine.engineError("Docker kill of container x", 502, Buffer.buffer("bad gateway\n"));

    assertThat(json.status()).isEqualTo(409);
    assertThat(json.engineMessage()).isEqualTo("Container x is not running");
    assertThat(json).hasMessage("Docker kill of container x failed: HTTP 409: Container x is not running");
    assertThat(text.engineMessage()).isEqualTo("bad gateway");
  }
}
