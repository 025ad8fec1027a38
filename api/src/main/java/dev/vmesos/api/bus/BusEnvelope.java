package dev.vmesos.api.bus;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * A protobuf message as a JSON body, for the event-bus bridge, whose frames are JSON:
 * {@code {"type": "<full protobuf name>", "proto": "<base64 of its bytes>"}}. Only the message types
 * the {@link ProtobufCodec} knows are decoded, so nothing is loaded by a name taken from the wire.
 * A failure reply from the far side of the bridge is {@code {"failure": <code>, "message": "..."}}.
 */
public final class BusEnvelope {

  static final String TYPE = "type";
  static final String PROTO = "proto";
  static final String FAILURE = "failure";
  static final String MESSAGE = "message";

  private BusEnvelope() {
  }

  public static JsonObject wrap(Message message) {
    return new JsonObject()
        .put(TYPE, message.getDescriptorForType().getFullName())
        .put(PROTO, Base64.getEncoder().encodeToString(message.toByteArray()));
  }

  /** The failure reply a recipient sends instead of a message. */
  public static JsonObject failure(int code, String message) {
    return new JsonObject().put(FAILURE, code).put(MESSAGE, message == null ? "" : message);
  }

  /** Whether a body is a {@link #failure} reply. */
  public static boolean isFailure(Object body) {
    return body instanceof JsonObject json && json.containsKey(FAILURE);
  }

  public static int failureCode(Object body) {
    Object code = ((JsonObject) body).getValue(FAILURE);
    return code instanceof Number n ? n.intValue() : -1;
  }

  public static String failureMessage(Object body) {
    Object text = ((JsonObject) body).getValue(MESSAGE);
    return text == null ? "" : text.toString();
  }

  /**
   * The protobuf message a body carries: the body itself when it is one already (a local send),
   * else the decoded envelope.
   *
   * @throws IllegalArgumentException when the body is neither, names an unknown type or does not parse
   */
  public static Message unwrap(Object body) {
    if (body instanceof Message message) {
      return message;
    }
    if (!(body instanceof JsonObject json)) {
      throw new IllegalArgumentException("not a protobuf envelope: " + (body == null ? "null" : body.getClass().getSimpleName()));
    }
    Object type = json.getValue(TYPE);
    Object proto = json.getValue(PROTO);
    if (!(type instanceof String name) || !(proto instanceof String data)) {
      throw new IllegalArgumentException("a protobuf envelope needs string fields 'type' and 'proto'");
    }
    Message prototype = ProtobufCodec.instance().prototype(name);
    if (prototype == null) {
      throw new IllegalArgumentException("unknown message type " + name);
    }
    try {
      return prototype.getParserForType().parseFrom(Base64.getDecoder().decode(data));
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed " + name + ": " + e.getMessage(), e);
    }
  }
}
