package dev.vmesos.master.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The legacy JSON's text: numbers, strings and nesting as the Mesos master writes them. */
class MesosJsonTextTest {

  @Test
  void doublesAsRapidjsonIntegersAsIntegers() {
    JsonObject json = new JsonObject()
        .put("start_time", 1796571755.015)
        .put("timestamp", 1.7000000005E9)
        .put("cpus", 4.0)
        .put("tiny", 1e-7)
        .put("huge", 1e21)
        .put("port", 5051)
        .put("epoch", 1L << 40)
        .put("nan", Double.NaN);
    assertThat(MesosJsonText.of(json)).isEqualTo("{\"start_time\":1796571755.015,\"timestamp\":1700000000.5,"
        + "\"cpus\":4.0,\"tiny\":1e-7,\"huge\":1e21,\"port\":5051,\"epoch\":1099511627776,\"nan\":\"NaN\"}");
    assertThat(json.encode()).as("what Vert.x alone would write").contains("1.796571755015E9");
  }

  @Test
  void stringsNestingBooleansAndNull() {
    JsonObject json = new JsonObject()
        .put("name", "a \"quoted\"\\ line\nwith tab\t and \u0001 and é")
        .put("list", new JsonArray().add(true).add(false).addNull().add(new JsonObject()).add(new JsonArray()))
        .put("nested", new JsonObject().put("k", new JsonArray().add(0.1)));
    String text = MesosJsonText.of(json);
    assertThat(text).isEqualTo("{\"name\":\"a \\\"quoted\\\"\\\\ line\\nwith tab\\t and \\u0001 and é\","
        + "\"list\":[true,false,null,{},[]],\"nested\":{\"k\":[0.1]}}");
    assertThat(new JsonObject(text)).isEqualTo(json);
  }
}
