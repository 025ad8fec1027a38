package dev.vmesos.compat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * The two media types of the scheduler API, encoded as an outside client would: protobuf-java's own
 * binary form, and protobuf-java-util's JSON with the original (snake_case) field names, ignoring keys
 * that these 1.11.0 protos do not know.
 */
enum Media {
  JSON("application/json"),
  PROTOBUF("application/x-protobuf");

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  final String type;

  Media(String type) {
    this.type = type;
  }

  byte[] encode(Call call) {
    if (this == PROTOBUF) {
      return call.toByteArray();
    }
    try {
      return PRINTER.print(call).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e);
    }
  }

  Event decode(byte[] record) throws InvalidProtocolBufferException {
    if (this == PROTOBUF) {
      return Event.parseFrom(record);
    }
    Event.Builder event = Event.newBuilder();
    PARSER.merge(new String(record, StandardCharsets.UTF_8), event);
    return event.build();
  }

  /** A record as it would read in a log: JSON as is, protobuf in text format. */
  String show(byte[] record) {
    if (this == JSON) {
      return new String(record, StandardCharsets.UTF_8);
    }
    try {
      return Event.parseFrom(record).toString().replace('\n', ' ');
    } catch (InvalidProtocolBufferException e) {
      return "<" + record.length + " unparsable bytes: " + e.getMessage() + ">";
    }
  }
}
