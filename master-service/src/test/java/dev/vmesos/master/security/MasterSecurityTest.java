package dev.vmesos.master.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmesos.api.config.Credentials;
import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.security.Acls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterSecurityTest {

  @TempDir
  Path dir;

  private Optional<Credentials> credentials() throws Exception {
    Path file = dir.resolve("credentials");
    Files.writeString(file, "ops secret\n");
    return Optional.of(Credentials.readList("credentials", file.toString()));
  }

  private static MasterSecurity parse(Optional<Credentials> credentials, String... args) {
    return MasterSecurity.fromFlags(Flags.parse(args, Map.of()), credentials);
  }

  @Test
  void withoutFlagsNothingIsRequiredAndNothingIsChecked() {
    MasterSecurity none = parse(Optional.empty());
    for (EndpointKind kind : EndpointKind.values()) {
      assertThat(none.required(kind)).isFalse();
    }
    assertThat(none.acls().configured()).isFalse();
  }

  @Test
  void eitherFrameworkFlagRequiresSchedulersToAuthenticate() throws Exception {
    assertThat(parse(credentials(), "--authenticate_frameworks").required(EndpointKind.SCHEDULER)).isTrue();
    assertThat(parse(credentials(), "--authenticate_http_frameworks=true").required(EndpointKind.SCHEDULER)).isTrue();
    MasterSecurity readonly = parse(credentials(), "--authenticate_http_readonly=true");
    assertThat(readonly.required(EndpointKind.READONLY)).isTrue();
    assertThat(readonly.required(EndpointKind.READWRITE)).isFalse();
    assertThat(readonly.required(EndpointKind.SCHEDULER)).isFalse();
    assertThat(parse(credentials(), "--authenticate_http_readwrite").required(EndpointKind.READWRITE)).isTrue();
  }

  @Test
  void badValuesStopStartUpNamingTheFlag() throws Exception {
    Map<String[], String> bad = Map.of(
        new String[] {"--authenticate_http_readwrite=maybe"}, "--authenticate_http_readwrite",
        new String[] {"--authenticate_http_readonly"}, "--authenticate_http_readonly' needs '--credentials'",
        new String[] {"--authenticate_frameworks"}, "--authenticate_frameworks' needs '--credentials'",
        new String[] {"--authenticate_http_frameworks"}, "--authenticate_http_frameworks' needs '--credentials'",
        new String[] {"--acls={\"run_tasks\": 1}"}, "--acls",
        new String[] {"--acls=/no/such/file"}, "--acls",
        new String[] {"--http_authenticators=jwt"}, "--http_authenticators",
        new String[] {"--http_framework_authenticators=crammd5"}, "--http_framework_authenticators");
    bad.forEach((args, flag) -> assertThatThrownBy(() -> parse(Optional.empty(), args)).as(args[0])
        .isInstanceOf(FlagException.class).hasMessageContaining(flag));
    assertThat(parse(credentials(), "--http_authenticators=basic", "--authenticate_http_readonly").readonly()).isTrue();
  }

  @Test
  void aclsAreReadFromJsonOrAFile() throws Exception {
    String json = "{\"permissive\": false, \"get_endpoints\": [{\"principals\": {\"values\": [\"ops\"]},"
        + " \"paths\": {\"type\": \"ANY\"}}]}";
    Path file = dir.resolve("acls.json");
    Files.writeString(file, json);
    for (String value : new String[] {json, file.toString(), "file://" + file}) {
      Acls acls = parse(Optional.empty(), "--acls=" + value).acls();
      assertThat(acls.allows(Acls.Action.GET_ENDPOINTS, "ops", "/metrics/snapshot")).isTrue();
      assertThat(acls.allows(Acls.Action.GET_ENDPOINTS, "web", "/metrics/snapshot")).isFalse();
    }
  }

  @Test
  void endpointsAreClassedAsMesosClassesThem() {
    assertThat(EndpointKind.of("/api/v1/scheduler")).isEqualTo(EndpointKind.SCHEDULER);
    assertThat(EndpointKind.of("/master/api/v1/scheduler")).isEqualTo(EndpointKind.SCHEDULER);
    for (String path : new String[] {"/api/v1", "/master/api/v1", "/teardown", "/master/weights", "/quota", "/reserve",
        "/logging/toggle"}) {
      assertThat(EndpointKind.of(path)).as(path).isEqualTo(EndpointKind.READWRITE);
    }
    for (String path : new String[] {"/state", "/master/state.json", "/state-summary", "/flags", "/metrics/snapshot",
        "/master/tasks", "/state/", "/", "/static/app.js", "/static/lib/uplot/uPlot.iife.min.js",
        "/agents/a1-S0/files/read", "/agents/a1-S0/state", "/metrics", "/files/read", "/files/download",
        "/files/browse"}) {
      assertThat(EndpointKind.of(path)).as(path).isEqualTo(EndpointKind.READONLY);
    }
    for (String path : new String[] {"/health", "/redirect", "/version", "/master/redirect", "/agent-bus/websocket"}) {
      assertThat(EndpointKind.of(path)).as(path).isEqualTo(EndpointKind.OPEN);
    }
  }
}
