package dev.vmesos.cluster.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tag;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusEndpointTest {

  @Test
  void mesosKeysBecomeLegalPrometheusNamesOutsideReservedSuffixes() {
    assertThat(PrometheusEndpoint.prometheusName("master/tasks_running")).isEqualTo("mesos_master_tasks_running");
    assertThat(PrometheusEndpoint.prometheusName("allocator/mesos/roles/web.api/shares/dominant"))
        .isEqualTo("mesos_allocator_mesos_roles_web_api_shares_dominant");
    assertThat(PrometheusEndpoint.prometheusName("slave/registered")).isEqualTo("mesos_slave_registered");
    assertThat(PrometheusEndpoint.prometheusName("master/cpus_total")).isEqualTo("mesos_master_cpus_total_value");
    assertThat(PrometheusEndpoint.prometheusName("master/messages_count")).isEqualTo("mesos_master_messages_count_value");
    assertThat(PrometheusEndpoint.prometheusName("frameworks/a-b:c/x")).isEqualTo("mesos_frameworks_a_b_c_x");
  }

  @Test
  void rolesAndFrameworksInAKeyBecomeLabels() {
    assertThat(PrometheusEndpoint.series("allocator/mesos/roles/web/shares/dominant")).isEqualTo(
        new PrometheusEndpoint.Series("mesos_allocator_mesos_roles_shares_dominant", List.of(Tag.of("role", "web"))));
    assertThat(PrometheusEndpoint.series("allocator/mesos/frameworks/f-1/shares/dominant")).isEqualTo(
        new PrometheusEndpoint.Series("mesos_allocator_mesos_frameworks_shares_dominant",
            List.of(Tag.of("framework", "f-1"))));
    assertThat(PrometheusEndpoint.series("allocator/mesos/quota/roles/a/resources/cpus/guarantee").tags())
        .containsExactly(Tag.of("role", "a"));
    // Not a role: "roles" as the last segments of a name, or a bare count.
    assertThat(PrometheusEndpoint.series("master/roles/active")).isEqualTo(
        new PrometheusEndpoint.Series("mesos_master_roles_active", List.of()));
    assertThat(PrometheusEndpoint.series("master/frameworks_active").tags()).isEmpty();
  }
}
