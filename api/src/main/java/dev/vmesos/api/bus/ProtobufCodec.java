package dev.vmesos.api.bus;

import com.google.protobuf.GeneratedMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one event-bus codec: any protobuf {@link Message} travels as its full type name and
 * its bytes; on local delivery the same (immutable) instance is passed on. Types are resolved
 * through the generated outer classes registered here, so nothing is loaded by a name taken
 * from the wire.
 */
public final class ProtobufCodec implements MessageCodec<Message, Message> {

  public static final String NAME = "vmesos-protobuf";

  private static final ProtobufCodec INSTANCE = new ProtobufCodec();

  private final Map<String, Message> prototypes = new ConcurrentHashMap<>();

  private ProtobufCodec() {
    registerOuterClass(dev.vmesos.api.v1.Protos.class);
    registerOuterClass(dev.vmesos.api.v1.scheduler.Protos.class);
    registerOuterClass(dev.vmesos.api.v1.executor.Protos.class);
    registerOuterClass(dev.vmesos.api.internal.Internal.class);
    registerOuterClass(dev.vmesos.api.v1.master.Protos.class);
    registerOuterClass(dev.vmesos.api.v1.quota.Protos.class);
    registerOuterClass(dev.vmesos.api.registry.RegistryProtos.class);
  }

  public static ProtobufCodec instance() {
    return INSTANCE;
  }

  /**
   * Registers the codec on an event bus and selects it for every protobuf message sent.
   * Call once per Vert.x instance, before any consumer is registered.
   */
  public static void install(EventBus eventBus) {
    eventBus.registerCodec(INSTANCE);
    eventBus.codecSelector(body -> body instanceof Message ? NAME : null);
  }

  /** Makes the message types of a generated outer class (and their nested types) decodable. */
  public void registerOuterClass(Class<?> outerClass) {
    for (Class<?> nested : outerClass.getDeclaredClasses()) {
      registerClass(nested);
    }
  }

  private void registerClass(Class<?> type) {
    if (GeneratedMessage.class.isAssignableFrom(type)) {
      try {
        Message prototype = (Message) type.getMethod("getDefaultInstance").invoke(null);
        prototypes.put(prototype.getDescriptorForType().getFullName(), prototype);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("Not a generated message class: " + type, e);
      }
    }
    for (Class<?> nested : type.getDeclaredClasses()) {
      registerClass(nested);
    }
  }

  /** The prototype of a registered message type, by its full protobuf name; null when unknown. */
  public Message prototype(String fullName) {
    return prototypes.get(fullName);
  }

  @Override
  public void encodeToWire(Buffer buffer, Message message) {
    byte[] name = message.getDescriptorForType().getFullName().getBytes(StandardCharsets.UTF_8);
    byte[] payload = message.toByteArray();
    buffer.appendInt(name.length).appendBytes(name).appendInt(payload.length).appendBytes(payload);
  }

  @Override
  public Message decodeFromWire(int pos, Buffer buffer) {
    int nameLength = buffer.getInt(pos);
    pos += 4;
    String name = buffer.getString(pos, pos + nameLength, "UTF-8");
    pos += nameLength;
    int payloadLength = buffer.getInt(pos);
    pos += 4;
    Message prototype = prototypes.get(name);
    if (prototype == null) {
      throw new IllegalArgumentException("Unknown protobuf type on the event bus: " + name);
    }
    try {
      return prototype.getParserForType().parseFrom(buffer.getBytes(pos, pos + payloadLength));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("Malformed " + name + " on the event bus: " + e.getMessage(), e);
    }
  }

  @Override
  public Message transform(Message message) {
    return message;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
