package dev.vmesos.master.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.allocator.Quota;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Flag values and resource maps written as Mesos writes them. */
class MasterFlagsTest {

  @Test
  void durationsPrintInTheLargestUnitBelowThem() {
    assertThat(MasterFlags.duration(Duration.ofSeconds(15))).isEqualTo("15secs");
    assertThat(MasterFlags.duration(Duration.ofSeconds(1))).isEqualTo("1secs");
    assertThat(MasterFlags.duration(Duration.ofMillis(1500))).isEqualTo("1.5secs");
    assertThat(MasterFlags.duration(Duration.ofMillis(100))).isEqualTo("100ms");
    assertThat(MasterFlags.duration(Duration.ofSeconds(90))).isEqualTo("1.5mins");
    assertThat(MasterFlags.duration(Duration.ofHours(2))).isEqualTo("2hrs");
  }

  @Test
  void bytesPrintInTheLargestUnitThatLosesNothing() {
    assertThat(MasterFlags.bytes(8L << 20)).isEqualTo("8MB");
    assertThat(MasterFlags.bytes(1536L << 10)).isEqualTo("1536KB");
    assertThat(MasterFlags.bytes(1L << 30)).isEqualTo("1GB");
    assertThat(MasterFlags.bytes(100)).isEqualTo("100B");
    assertThat(MasterFlags.bytes(0)).isEqualTo("0B");
  }

  @Test
  void flagsAreSortedStringsAndUnsetOnesAreLeftOut() {
    MasterConfig config = MasterConfig.defaults().withAllocator(MasterConfig.defaults().allocator()
        .withWeights(Map.of("b", 3.5, "a", 2.0))
        .withQuotas(Map.of("web", new Quota(Map.of("cpus", 4.0), Map.of("cpus", 8.0)))));
    var flags = MasterFlags.of(config);
    assertThat(java.util.List.copyOf(flags.keySet())).isSorted().doesNotContain("offer_timeout");
    assertThat(flags).containsEntry("port", "5050")
        .containsEntry("max_event_stream_queue", "8MB")
        .containsEntry("weights", "a=2,b=3.5")
        .containsEntry("min_allocatable_resources", "cpus:0.01|mem:32")
        .containsEntry("quota", "{\"web\":{\"guarantees\":\"cpus:4\",\"limits\":\"cpus:8\"}}");
    assertThat(MasterFlags.of(config.withOfferTimeout(Duration.ofMinutes(5))))
        .containsEntry("offer_timeout", "5mins");
  }

  @Test
  void resourcesAreAMapWithTheCommonScalarsAlwaysPresent() {
    JsonObject json = ResourcesJson.of(ResourcesParser.parse(
        "cpus:1.5;mem:100;ports:[31000-31005,31006-31010,20-30];disks:{b,a};cpus(web):0.1"));
    assertThat(json.encode()).isEqualTo(
        "{\"cpus\":1.6,\"gpus\":0.0,\"mem\":100.0,\"disk\":0.0,\"ports\":\"[20-30, 31000-31010]\",\"disks\":\"{a, b}\"}");
    assertThat(ResourcesJson.byReservationRole(ResourcesParser.parse("cpus:1;cpus(web):2")).encode())
        .isEqualTo("{\"web\":{\"cpus\":2.0,\"gpus\":0.0,\"mem\":0.0,\"disk\":0.0}}");
  }
}
