package dev.vmesos.api.security;

import static dev.vmesos.api.security.Acls.Action.ACCESS_SANDBOXES;
import static dev.vmesos.api.security.Acls.Action.REGISTER_FRAMEWORKS;
import static dev.vmesos.api.security.Acls.Action.RUN_TASKS;
import static dev.vmesos.api.security.Acls.Action.TEARDOWN_FRAMEWORKS;
import static dev.vmesos.api.security.Acls.Action.VIEW_TASKS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmesos.api.config.FlagException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AclsTest {

  @TempDir
  Path dir;

  @Test
  void theFirstMatchingRuleDecidesAndPermissiveDecidesWhenNoneMatches() {
    Acls acls = Acls.parse("acls", """
        {"permissive": false,
         "run_tasks": [
           {"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
           {"principals": {"values": ["web"]}, "users": {"values": ["nobody", "www"]}},
           {"principals": {"values": ["web"]}, "users": {"type": "ANY"}},
           {"principals": {"type": "ANY"}, "users": {"values": ["root"]}}
         ],
         "teardown_frameworks": [
           {"principals": {"values": ["ops"]}, "framework_principals": {"type": "ANY"}},
           {"principals": {"type": "ANY"}, "framework_principals": {"type": "NONE"}}
         ]}""");
    assertThat(acls.allows(RUN_TASKS, "ops", "root")).isTrue();
    assertThat(acls.allows(RUN_TASKS, "web", "nobody")).isTrue();
    // web's second rule matches any user, so it decides: allowed (a matching rule is never skipped).
    assertThat(acls.allows(RUN_TASKS, "web", "root")).isTrue();
    // Anyone else as root: the last rule matches and allows.
    assertThat(acls.allows(RUN_TASKS, "eve", "root")).isTrue();
    // No rule matches eve as nobody: not permissive.
    assertThat(acls.allows(RUN_TASKS, "eve", "nobody")).isFalse();
    assertThat(acls.allows(TEARDOWN_FRAMEWORKS, "ops", "web")).isTrue();
    // A NONE object matches everything and allows nothing but NONE: refused.
    assertThat(acls.allows(TEARDOWN_FRAMEWORKS, "web", "ops")).isFalse();
    assertThat(acls.allows(TEARDOWN_FRAMEWORKS, null, "ops")).isFalse();
    // An action without rules: permissive decides.
    assertThat(acls.allows(VIEW_TASKS, "web", "nobody")).isFalse();
  }

  @Test
  void anUnauthenticatedSubjectIsMesossAnyAndMatchesOnlyAnyOrNoneRules() {
    Acls acls = Acls.parse("acls", """
        {"register_frameworks": [
           {"principals": {"values": ["web"]}, "roles": {"values": ["web"]}},
           {"principals": {"type": "ANY"}, "roles": {"values": ["prod"]}},
           {"principals": {"type": "NONE"}, "roles": {"values": ["secret"]}}
         ]}""");
    assertThat(acls.permissive()).isTrue();
    assertThat(acls.allows(REGISTER_FRAMEWORKS, null, "web")).isTrue(); // no rule matches: permissive
    assertThat(acls.allows(REGISTER_FRAMEWORKS, null, "prod")).isTrue(); // an ANY rule allows an ANY subject
    assertThat(acls.allows(REGISTER_FRAMEWORKS, null, "secret")).isFalse(); // a NONE rule matches it and refuses
    assertThat(acls.allows(REGISTER_FRAMEWORKS, "web", "prod")).isTrue();
    assertThat(acls.allows(REGISTER_FRAMEWORKS, "ops", "secret")).isFalse();
    assertThat(acls.allowsAll(REGISTER_FRAMEWORKS, "web", List.of("web", "prod"))).isTrue();
    assertThat(acls.allowsAll(REGISTER_FRAMEWORKS, "web", List.of("web", "secret"))).isFalse();
    assertThat(Acls.none().allows(ACCESS_SANDBOXES, null, "root")).isTrue();
    assertThat(Acls.none().configured()).isFalse();
  }

  @Test
  void aPathOrFileUrlIsReadAsMesosAllows() throws Exception {
    Path file = dir.resolve("acls.json");
    Files.writeString(file, "{\"permissive\": false, \"access_sandboxes\": [{\"principals\": {\"values\": [\"ops\"]},"
        + " \"users\": {\"type\": \"ANY\"}}], \"create_volumes\": []}");
    for (String value : List.of(file.toString(), "file://" + file)) {
      Acls acls = Acls.parse("acls", value);
      assertThat(acls.allows(ACCESS_SANDBOXES, "ops", "nobody")).isTrue();
      assertThat(acls.allows(ACCESS_SANDBOXES, "web", "nobody")).isFalse();
    }
  }

  @Test
  void malformedAclsStopStartUpNamingTheFlag() {
    for (String bad : List.of("{", "{\"permissive\": \"no\"}", "{\"run_tasks\": {}}",
        "{\"run_tasks\": [{\"principals\": {\"type\": \"ANY\"}}]}",
        "{\"run_tasks\": [{\"principals\": {\"type\": \"ALL\"}, \"users\": {\"type\": \"ANY\"}}]}",
        "{\"run_tasks\": [{\"principals\": {\"values\": \"web\"}, \"users\": {\"type\": \"ANY\"}}]}",
        "{\"run_tasks\": [{\"principals\": {\"type\": \"ANY\"}, \"roles\": {\"type\": \"ANY\"}}]}",
        "{\"run_task\": []}",
        "/no/such/acls.json")) {
      assertThatThrownBy(() -> Acls.parse("acls", bad)).as(bad).isInstanceOf(FlagException.class)
          .hasMessageStartingWith("Flag '--acls'");
    }
  }

  @Test
  void refusalsAreWordedAsMesosWordsThem() {
    assertThat(RUN_TASKS.refusal("root")).isEqualTo("Not authorized to run tasks as user 'root'");
  }
}
