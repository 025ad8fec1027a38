package dev.vmesos.api.codec;

import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireCodecTest {

    /** Defaulted fields set explicitly: JSON output writes them, so parsing sets them. */
    private static final Call SUBSCRIBE = Call.newBuilder()
            .setType(Call.Type.SUBSCRIBE)
            .setFrameworkId(FrameworkID.newBuilder().setValue("fw-1"))
            .setSubscribe(Call.Subscribe.newBuilder()
                    .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u").setName("n")
                            .setFailoverTimeout(0).setCheckpoint(false)))
            .build();

    @ParameterizedTest
    @EnumSource(MediaType.class)
    void roundTripsInBothMediaTypes(MediaType type) {
        byte[] body = WireCodec.encode(SUBSCRIBE, type);

        assertThat(WireCodec.decode(body, type, Call.getDefaultInstance())).isEqualTo(SUBSCRIBE);
    }

    @Test
    void encodesJsonAsMesosWritesIt() {
        assertThat(new String(WireCodec.encode(SUBSCRIBE, MediaType.JSON), StandardCharsets.UTF_8))
                .isEqualTo("{\"framework_id\":{\"value\":\"fw-1\"},\"type\":\"SUBSCRIBE\",\"subscribe\":{"
                        + "\"framework_info\":{\"user\":\"u\",\"name\":\"n\",\"failover_timeout\":0.0,"
                        + "\"checkpoint\":false}}}");
        assertThat(WireCodec.encode(SUBSCRIBE, MediaType.PROTOBUF)).isEqualTo(SUBSCRIBE.toByteArray());
    }

    @Test
    void malformedProtobufIsAWireCodecException() {
        byte[] garbage = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF};

        assertThatThrownBy(() -> WireCodec.decode(garbage, MediaType.PROTOBUF, Call.getDefaultInstance()))
                .isInstanceOf(WireCodecException.class)
                .hasMessageStartingWith("Failed to parse body into Call: ");
    }

    @Test
    void missingRequiredFieldsInProtobufNameThem() {
        byte[] body = Call.newBuilder()
                .setSubscribe(Call.Subscribe.newBuilder()
                        .setFrameworkInfo(FrameworkInfo.newBuilder().setName("n").buildPartial())
                        .buildPartial())
                .buildPartial()
                .toByteArray();

        assertThatThrownBy(() -> WireCodec.decode(body, MediaType.PROTOBUF, Call.getDefaultInstance()))
                .isInstanceOf(WireCodecException.class)
                .hasMessage("Failed to parse body into Call: Missing required fields: subscribe.framework_info.user");
    }

    @Test
    void jsonErrorsAreWireCodecExceptionsToo() {
        byte[] missing = "{\"subscribe\":{\"framework_info\":{\"name\":\"n\"}}}".getBytes(StandardCharsets.UTF_8);
        byte[] malformed = "{\"type\":".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> WireCodec.decode(missing, MediaType.JSON, Call.getDefaultInstance()))
                .isInstanceOf(WireCodecException.class)
                .hasMessage("Failed to parse body into Call: Missing required fields: subscribe.framework_info.user");
        assertThatThrownBy(() -> WireCodec.decode(malformed, MediaType.JSON, Call.getDefaultInstance()))
                .isInstanceOf(WireCodecException.class)
                .hasMessageStartingWith("Failed to parse body into Call: Malformed JSON: ");
    }
}
