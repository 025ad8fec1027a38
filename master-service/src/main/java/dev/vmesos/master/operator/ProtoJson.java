package dev.vmesos.master.operator;

import com.google.protobuf.MessageOrBuilder;
import dev.vmesos.api.json.MesosJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Protobuf messages embedded in v0 JSON as Mesos embeds them ({@code JSON::Protobuf}). */
final class ProtoJson {

  private ProtoJson() {
  }

  static JsonObject object(MessageOrBuilder message) {
    return new JsonObject(MesosJson.print(message));
  }

  static JsonArray array(Iterable<? extends MessageOrBuilder> messages) {
    JsonArray array = new JsonArray();
    for (MessageOrBuilder message : messages) {
      array.add(object(message));
    }
    return array;
  }
}
