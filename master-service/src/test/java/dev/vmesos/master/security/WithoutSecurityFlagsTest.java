package dev.vmesos.master.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Without the security flags a master behaves as before them, and as Mesos without them: no request
 * needs a credential, an {@code Authorization} header is ignored, and nothing is refused or filtered.
 */
class WithoutSecurityFlagsTest {

  private Vertx vertx;
  private HttpTestClient http;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    ProtobufCodec.install(vertx.eventBus());
    MasterVerticle master = new MasterVerticle(MasterConfig.defaults().withPort(0));
    vertx.deployVerticle(master).await(20, TimeUnit.SECONDS);
    http = new HttpTestClient(master.actualPort());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void nothingNeedsACredentialAndNothingIsFiltered() throws Exception {
    HttpTestClient.Stream framework = http.subscribe("/api/v1/scheduler", null,
        "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"root\",\"name\":\"open\"}}}");
    assertThat(framework.status()).isEqualTo(200);
    String id = framework.next().getJsonObject("subscribed").getJsonObject("framework_id").getString("value");

    for (String authorization : new String[] {null, HttpTestClient.basic("whoever", "whatever"), "Bearer x"}) {
      assertThat(http.get("/state", authorization).json().getJsonArray("frameworks")).hasSize(1);
      assertThat(http.get("/metrics/snapshot", authorization).status()).isEqualTo(200);
      assertThat(http.post("/api/v1", authorization, "{\"type\":\"GET_FRAMEWORKS\"}", null).body()).contains(id);
    }
    String teardown = new JsonObject().put("type", "TEARDOWN").put("teardown", new JsonObject()
        .put("framework_id", new JsonObject().put("value", id))).encode();
    assertThat(http.post("/api/v1", null, teardown, null).status()).isEqualTo(200);
  }
}
