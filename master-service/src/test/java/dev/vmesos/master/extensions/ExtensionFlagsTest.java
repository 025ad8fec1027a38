package dev.vmesos.master.extensions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterMain;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --share_history_interval} and {@code --share_history_capacity}: read, checked, described, shown in /flags. */
class ExtensionFlagsTest {

  private static MasterConfig parse(String... args) {
    return MasterConfig.fromFlags(Flags.parse(args, Map.of()));
  }

  @Test
  void defaultsAndValues() {
    assertThat(parse().extensions()).isEqualTo(new MasterConfig.Extensions(Duration.ofSeconds(1), 600));
    MasterConfig.Extensions set = parse("--share_history_interval=250ms", "--share_history_capacity=3600")
        .extensions();
    assertThat(set.shareHistoryInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(set.shareHistoryCapacity()).isEqualTo(3600);
  }

  @Test
  void aBadValueStopsStartUpNamingTheFlag() {
    for (List<String> bad : List.of(
        List.of("--share_history_interval=often", "--share_history_interval"),
        List.of("--share_history_interval=0secs", "--share_history_interval"),
        List.of("--share_history_interval=5ms", "--share_history_interval"),
        List.of("--share_history_capacity=0", "--share_history_capacity"),
        List.of("--share_history_capacity=many", "--share_history_capacity"),
        List.of("--share_history_capacity=1000000", "--share_history_capacity"))) {
      assertThatThrownBy(() -> parse(bad.get(0))).as(bad.get(0))
          .isInstanceOf(FlagException.class).hasMessageContaining(bad.get(1));
    }
  }

  @Test
  void helpDescribesThem() {
    assertThat(MasterMain.HELP.names()).contains("share_history_interval", "share_history_capacity");
    assertThat(MasterMain.HELP.render("vmesos master")).contains("--share_history_interval=DURATION")
        .contains("--share_history_capacity=COUNT");
  }

  @Test
  void flagsEndpointListsThem() throws Exception {
    try (ExtCluster cluster = ExtCluster.start("--share_history_interval=2secs", "--share_history_capacity=30")) {
      JsonObject flags = cluster.request(HttpMethod.GET, "/flags", Map.of(), null).json().getJsonObject("flags");
      assertThat(flags.getString("share_history_interval")).isEqualTo("2secs");
      assertThat(flags.getString("share_history_capacity")).isEqualTo("30");
      assertThat(cluster.vmesos("GET_SHARES").getInteger("capacity")).isEqualTo(30);
    }
  }
}
