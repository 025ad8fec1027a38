package dev.vmesos.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RegistryAuthsTest {

  private static String auth(String userColonPassword) {
    return Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject decoded(String header) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(header), StandardCharsets.UTF_8));
  }

  @Test
  void onlyTheRegistryTheImageNamesGetsItsCredentials() {
    RegistryAuths auths = RegistryAuths.parse("{\"auths\": {"
        + "\"127.0.0.1:5000\": {\"auth\": \"" + auth("team:s3cret") + "\"},"
        + "\"https://index.docker.io/v1/\": {\"auth\": \"" + auth("hub:pw:with:colons") + "\"},"
        + "\"helper.example\": {}}}");

    assertThat(decoded(auths.header("127.0.0.1:5000/team/app:1").orElseThrow())).isEqualTo(new JsonObject()
        .put("username", "team").put("password", "s3cret").put("serveraddress", "127.0.0.1:5000"));
    assertThat(decoded(auths.header("busybox").orElseThrow()).getString("password")).isEqualTo("pw:with:colons");
    assertThat(decoded(auths.header("library/busybox:1").orElseThrow()).getString("username")).isEqualTo("hub");
    assertThat(auths.header("127.0.0.1:5001/team/app")).isEmpty();
    assertThat(auths.header("helper.example/app")).as("no 'auth' to give").isEmpty();
    assertThat(RegistryAuths.none().header("busybox")).isEmpty();
  }

  @Test
  void theOldDockercfgFormatIsReadAndBadConfigsAreNamed() {
    RegistryAuths old = RegistryAuths.parse("{\"registry.example:443\": {\"auth\": \"" + auth("u:p") + "\"}}");
    assertThat(old.header("registry.example:443/x")).isPresent();

    assertThatThrownBy(() -> RegistryAuths.parse("{nope")).hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> RegistryAuths.parse("{\"auths\": {\"h\": {\"auth\": \"***\"}}}"))
        .hasMessage("the 'auth' of 'h' is not base64");
    assertThatThrownBy(() -> RegistryAuths.parse("{\"auths\": {\"h\": {\"auth\": \"" + auth("nocolon") + "\"}}}"))
        .hasMessage("the 'auth' of 'h' is not base64 of user:password");
  }
}
