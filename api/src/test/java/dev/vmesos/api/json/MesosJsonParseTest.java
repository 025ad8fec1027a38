package dev.vmesos.api.json;

import com.google.protobuf.ByteString;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.Filters;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Label;
import dev.vmesos.api.v1.Protos.Labels;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.OfferID;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.Value;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Input is parsed as leniently, and as strictly, as the Mesos master parses it. */
class MesosJsonParseTest {

    @Test
    void subscribeAsAJsonClientWritesItWithNullsAndUnknownKeys() {
        String json = "{"
                + "\"framework_id\":null,"
                + "\"type\":\"SUBSCRIBE\","
                + "\"subscribe\":{"
                + "  \"framework_info\":{"
                + "    \"user\":\"root\",\"name\":\"Example (Python)\",\"id\":null,"
                + "    \"failover_timeout\":604800,\"checkpoint\":true,\"hostname\":null,\"principal\":null,"
                + "    \"roles\":[\"dev\",\"prod\"],"
                + "    \"capabilities\":[{\"type\":\"MULTI_ROLE\"},{\"type\":\"FUTURE_CAPABILITY\"}],"
                + "    \"labels\":null,\"offer_filters\":null,"
                + "    \"some_future_field\":{\"nested\":[1,{\"a\":null},\"x\"]}"
                + "  },"
                + "  \"suppressed_roles\":null"
                + "},"
                + "\"client_version\":[1,2,3]"
                + "}";

        Call call = MesosJson.parse(json, Call.getDefaultInstance());

        Call expected = Call.newBuilder()
                .setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder()
                        .setUser("root")
                        .setName("Example (Python)")
                        .setFailoverTimeout(604800)
                        .setCheckpoint(true)
                        .addRoles("dev")
                        .addRoles("prod")
                        .addCapabilities(FrameworkInfo.Capability.newBuilder()
                                .setType(FrameworkInfo.Capability.Type.MULTI_ROLE))
                        // The unknown capability name is dropped, leaving an empty capability.
                        .addCapabilities(FrameworkInfo.Capability.getDefaultInstance())))
                .build();
        assertThat(call).isEqualTo(expected);
        assertThat(call.hasFrameworkId()).isFalse();
        assertThat(call.getSubscribe().getFrameworkInfo().hasId()).isFalse();
    }

    @Test
    void subscribeWithLegacySingularRole() {
        String json = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":"
                + "{\"user\":\"u\",\"name\":\"n\",\"role\":\"analytics\"}}}";

        FrameworkInfo info = MesosJson.parse(json, Call.getDefaultInstance()).getSubscribe().getFrameworkInfo();

        assertThat(info.hasRole()).isTrue();
        assertThat(info.getRole()).isEqualTo("analytics");
        assertThat(info.getRolesList()).isEmpty();
        assertThat(MesosJson.print(info)).contains("\"role\":\"analytics\"");
    }

    @Test
    void acceptWithLaunchOfTaskWithScalarRangesAndSetResourcesAndBase64Data() {
        String json = "{\"framework_id\":{\"value\":\"fw-1\"},\"type\":\"ACCEPT\",\"accept\":{"
                + "\"offer_ids\":[{\"value\":\"offer-1\"}],"
                + "\"operations\":[{\"type\":\"LAUNCH\",\"launch\":{\"task_infos\":[{"
                + "  \"name\":\"web\",\"task_id\":{\"value\":\"web-1\"},\"agent_id\":{\"value\":\"agent-1\"},"
                + "  \"resources\":["
                + "    {\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":0.5},\"role\":\"*\"},"
                + "    {\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":31000,\"end\":31005}]}},"
                + "    {\"name\":\"disks\",\"type\":\"SET\",\"set\":{\"item\":[\"sda\",\"sdb\"]}}"
                + "  ],"
                + "  \"command\":{\"value\":\"python -m http.server\",\"shell\":true},"
                + "  \"data\":\"aGVsbG8gd29ybGQ=\""
                + "}]}}],"
                + "\"filters\":{\"refuse_seconds\":\"10\"}}}";

        Call call = MesosJson.parse(json, Call.getDefaultInstance());

        TaskInfo task = call.getAccept().getOperations(0).getLaunch().getTaskInfos(0);
        assertThat(call.getAccept().getOfferIds(0).getValue()).isEqualTo("offer-1");
        assertThat(call.getAccept().getOperations(0).getType()).isEqualTo(Offer.Operation.Type.LAUNCH);
        assertThat(task.getResources(0).getScalar().getValue()).isEqualTo(0.5);
        assertThat(task.getResources(0).getRole()).isEqualTo("*");
        assertThat(task.getResources(1).getRanges().getRange(0).getBegin()).isEqualTo(31000);
        assertThat(task.getResources(1).getRanges().getRange(0).getEnd()).isEqualTo(31005);
        assertThat(task.getResources(2).getSet().getItemList()).containsExactly("sda", "sdb");
        assertThat(task.getCommand().getValue()).isEqualTo("python -m http.server");
        assertThat(task.getData().toStringUtf8()).isEqualTo("hello world");
        assertThat(call.getAccept().getFilters().getRefuseSeconds()).isEqualTo(10.0);
    }

    @Test
    void acknowledgeUuidIsBase64() {
        String json = "{\"framework_id\":{\"value\":\"fw\"},\"type\":\"ACKNOWLEDGE\",\"acknowledge\":{"
                + "\"agent_id\":{\"value\":\"a\"},\"task_id\":{\"value\":\"t\"},"
                + "\"uuid\":\"+x4tPEtaaXiHlqW0w9Lh8A==\"}}";

        Call call = MesosJson.parse(json, Call.getDefaultInstance());

        assertThat(call.getAcknowledge().getUuid().toByteArray()).hasSize(16).startsWith(0xFB, 0x1E, 0x2D);
        assertThat(call.getAcknowledge().getUuid().byteAt(15)).isEqualTo((byte) 0xF0);
    }

    @Test
    void invalidBase64IsAnError() {
        String json = "{\"type\":\"ACKNOWLEDGE\",\"acknowledge\":{\"agent_id\":{\"value\":\"a\"},"
                + "\"task_id\":{\"value\":\"t\"},\"uuid\":\"not base64!\"}}";

        assertThatThrownBy(() -> MesosJson.parse(json, Call.getDefaultInstance()))
                .isInstanceOf(MesosJsonException.class)
                .hasMessageStartingWith("Failed to parse field 'acknowledge.uuid': invalid Base64");
    }

    @Test
    void enumGivenAsNumberIsAnError() {
        assertThatThrownBy(() -> MesosJson.parse("{\"type\":3}", Call.getDefaultInstance()))
                .isInstanceOf(MesosJsonException.class)
                .hasMessageStartingWith("Failed to parse field 'type': expected an enum value name");
        assertThatThrownBy(() -> MesosJson.parse(
                "{\"type\":\"ACCEPT\",\"accept\":{\"operations\":[{\"type\":\"LAUNCH\"},{\"type\":1}]}}",
                Call.getDefaultInstance()))
                .hasMessageStartingWith("Failed to parse field 'accept.operations[1].type': ");
    }

    @Test
    void unknownEnumNameOnOptionalFieldIsDropped() {
        Call call = MesosJson.parse(
                "{\"type\":\"TELEPORT\",\"framework_id\":{\"value\":\"fw\"}}", Call.getDefaultInstance());

        assertThat(call.hasType()).isFalse();
        assertThat(call.getFrameworkId().getValue()).isEqualTo("fw");
    }

    @Test
    void unknownEnumNameOnRequiredFieldIsAnError() {
        assertThatThrownBy(() -> MesosJson.parse("{\"name\":\"cpus\",\"type\":\"VECTOR\"}", Resource.getDefaultInstance()))
                .isInstanceOf(MesosJsonException.class)
                .hasMessage("Failed to parse field 'type': unknown value 'VECTOR' of enum Type");
    }

    @Test
    void missingRequiredFieldIsAnErrorNamingIt() {
        String json = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"name\":\"n\"}}}";

        assertThatThrownBy(() -> MesosJson.parse(json, Call.getDefaultInstance()))
                .isInstanceOf(MesosJsonException.class)
                .hasMessage("Missing required fields: subscribe.framework_info.user");
    }

    @Test
    void mergeDoesNotCheckRequiredFields() {
        Call.Builder builder = Call.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("fw"));

        MesosJson.merge("{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"name\":\"n\"}}}", builder);

        assertThat(builder.isInitialized()).isFalse();
        assertThat(builder.getFrameworkId().getValue()).isEqualTo("fw");
        assertThat(builder.getSubscribe().getFrameworkInfo().getName()).isEqualTo("n");
    }

    @Test
    void numbersBooleansAndDoublesMayBeStrings() {
        String json = "{\"user\":\"u\",\"name\":\"n\",\"failover_timeout\":\"3600.5\",\"checkpoint\":\"true\"}";
        FrameworkInfo info = MesosJson.parse(json, FrameworkInfo.getDefaultInstance());
        assertThat(info.getFailoverTimeout()).isEqualTo(3600.5);
        assertThat(info.getCheckpoint()).isTrue();

        Value.Range range = MesosJson.parse("{\"begin\":\"31000\",\"end\":\"18446744073709551615\"}",
                Value.Range.getDefaultInstance());
        assertThat(range.getBegin()).isEqualTo(31000);
        assertThat(range.getEnd()).isEqualTo(-1L);

        assertThat(MesosJson.parse("{\"refuse_seconds\":\"Infinity\"}", Filters.getDefaultInstance())
                .getRefuseSeconds()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(MesosJson.parse("{\"refuse_seconds\":\"NaN\"}", Filters.getDefaultInstance())
                .getRefuseSeconds()).isNaN();
        assertThat(MesosJson.parse("{\"refuse_seconds\":1e3}", Filters.getDefaultInstance())
                .getRefuseSeconds()).isEqualTo(1000.0);
    }

    @Test
    void integersOutOfRangeOrFractionalAreErrors() {
        assertThatThrownBy(() -> MesosJson.parse("{\"begin\":-1,\"end\":2}", Value.Range.getDefaultInstance()))
                .hasMessage("Failed to parse field 'begin': integer -1 out of range for uint64");
        assertThatThrownBy(() -> MesosJson.parse("{\"begin\":18446744073709551616,\"end\":2}",
                Value.Range.getDefaultInstance()))
                .hasMessageContaining("out of range for uint64");
        assertThatThrownBy(() -> MesosJson.parse("{\"id\":\"m\",\"ip\":1,\"port\":4294967296}",
                MasterInfo.getDefaultInstance()))
                .hasMessage("Failed to parse field 'port': integer 4294967296 out of range for uint32");
        assertThatThrownBy(() -> MesosJson.parse("{\"status\":1.5}", Event.Failure.getDefaultInstance()))
                .hasMessage("Failed to parse field 'status': expected an integer, got 1.5");
        assertThatThrownBy(() -> MesosJson.parse("{\"status\":\"7x\"}", Event.Failure.getDefaultInstance()))
                .hasMessage("Failed to parse field 'status': '7x' is not a number");
        assertThatThrownBy(() -> MesosJson.parse("{\"status\":1e999999999}", Event.Failure.getDefaultInstance()))
                .hasMessageContaining("out of range for int32");

        assertThat(MesosJson.parse("{\"status\":-2147483648}", Event.Failure.getDefaultInstance()).getStatus())
                .isEqualTo(Integer.MIN_VALUE);
        assertThat(MesosJson.parse("{\"id\":\"m\",\"ip\":4294967295,\"port\":1}", MasterInfo.getDefaultInstance())
                .getIp()).isEqualTo(-1);
    }

    @Test
    void wrongJsonTypeNamesTheFieldPath() {
        String json = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":5,\"name\":\"n\"}}}";

        assertThatThrownBy(() -> MesosJson.parse(json, Call.getDefaultInstance()))
                .isInstanceOf(MesosJsonException.class)
                .hasMessage("Failed to parse field 'subscribe.framework_info.user': expected a JSON string, got a number");
        assertThatThrownBy(() -> MesosJson.parse("{\"roles\":\"web\"}", FrameworkInfo.getDefaultInstance()))
                .hasMessage("Failed to parse field 'roles': expected a JSON array, got a string");
        assertThatThrownBy(() -> MesosJson.parse("{\"id\":\"fw\"}", FrameworkInfo.getDefaultInstance()))
                .hasMessage("Failed to parse field 'id': expected a JSON object, got a string");
        assertThatThrownBy(() -> MesosJson.parse("{\"checkpoint\":\"yes\"}", FrameworkInfo.getDefaultInstance()))
                .hasMessage("Failed to parse field 'checkpoint': 'yes' is not a boolean");
    }

    @Test
    void topLevelMustBeOneJsonObject() {
        assertThatThrownBy(() -> MesosJson.parse("[]", Call.getDefaultInstance()))
                .hasMessage("Expected a JSON object at the top level, got an array");
        assertThatThrownBy(() -> MesosJson.parse("", Call.getDefaultInstance()))
                .hasMessage("Malformed JSON: empty input");
        assertThatThrownBy(() -> MesosJson.parse("{\"type\":", Call.getDefaultInstance()))
                .isInstanceOf(MesosJsonException.class)
                .hasMessageStartingWith("Malformed JSON: ");
        assertThatThrownBy(() -> MesosJson.parse("{} {}", Call.getDefaultInstance()))
                .hasMessage("Malformed JSON: unexpected content after the top-level object");
    }

    @Test
    void invalidUtf8BodyIsAnError() {
        byte[] body = {'{', '"', 'u', 's', 'e', 'r', '"', ':', '"', (byte) 0xC3, '"', '}'};

        assertThatThrownBy(() -> MesosJson.parse(body, FrameworkInfo.getDefaultInstance()))
                .isInstanceOf(MesosJsonException.class)
                .hasMessageStartingWith("Malformed JSON: ");
    }

    @Test
    void utf8BytesAreDecoded() {
        byte[] body = "{\"user\":\"rené\",\"name\":\"fw ✓\"}".getBytes(StandardCharsets.UTF_8);

        FrameworkInfo info = MesosJson.parse(body, FrameworkInfo.getDefaultInstance());

        assertThat(info.getUser()).isEqualTo("rené");
        assertThat(info.getName()).isEqualTo("fw ✓");
    }

    @Test
    void lowerCamelCaseKeysAreAcceptedAsAFallback() {
        Call call = MesosJson.parse("{\"type\":\"SUBSCRIBE\",\"frameworkId\":{\"value\":\"fw\"}}",
                Call.getDefaultInstance());

        assertThat(call.getFrameworkId().getValue()).isEqualTo("fw");
    }

    @Test
    void nullClearsAFieldWhenMerging() {
        FrameworkInfo.Builder builder = FrameworkInfo.newBuilder().setUser("u").setHostname("h").addRoles("r");

        MesosJson.merge("{\"hostname\":null,\"roles\":null}", builder);

        assertThat(builder.hasHostname()).isFalse();
        assertThat(builder.getRolesCount()).isZero();
        assertThat(builder.getUser()).isEqualTo("u");
    }

    @Test
    void mapFieldFromAJsonObject() {
        String json = "{\"name\":\"t\",\"task_id\":{\"value\":\"t1\"},\"agent_id\":{\"value\":\"a1\"},"
                + "\"limits\":{\"cpus\":{\"value\":2},\"mem\":{\"value\":\"128\"},\"gpus\":null}}";

        TaskInfo task = MesosJson.parse(json, TaskInfo.getDefaultInstance());

        assertThat(task.getLimitsMap()).containsOnlyKeys("cpus", "mem");
        assertThat(task.getLimitsOrThrow("mem").getValue()).isEqualTo(128.0);
        assertThatThrownBy(() -> MesosJson.parse(json.replace("\"128\"", "true"), TaskInfo.getDefaultInstance()))
                .hasMessage("Failed to parse field 'limits[mem].value': expected a number, got a boolean");
    }

    @Test
    void defaultsWrittenOnOutputComeBackAsSetFields() {
        FrameworkInfo info = FrameworkInfo.newBuilder().setUser("u").setName("n").build();

        FrameworkInfo reparsed = MesosJson.parse(MesosJson.print(info), FrameworkInfo.getDefaultInstance());

        // Same values, but the defaults are now explicitly set: the real master behaves the same way.
        assertThat(reparsed).isNotEqualTo(info);
        assertThat(reparsed.hasFailoverTimeout()).isTrue();
        assertThat(reparsed.hasRole()).isFalse();
        assertThat(MesosJson.print(reparsed)).isEqualTo(MesosJson.print(info));
    }

    @Test
    void printThenParseRoundTripsARichMessage() {
        Event event = Event.newBuilder()
                .setType(Event.Type.OFFERS)
                .setOffers(Event.Offers.newBuilder().addOffers(Offer.newBuilder()
                        .setId(OfferID.newBuilder().setValue("o-1"))
                        .setFrameworkId(FrameworkID.newBuilder().setValue("fw"))
                        .setAgentId(AgentID.newBuilder().setValue("a-1"))
                        .setHostname("host-ü")
                        .addResources(Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR)
                                .setScalar(Value.Scalar.newBuilder().setValue(1.7e-7)))
                        .addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
                                .setRanges(Value.Ranges.newBuilder()
                                        .addRange(Value.Range.newBuilder().setBegin(1).setEnd(-2L))))
                        .addResources(Resource.newBuilder().setName("disks").setType(Value.Type.SET)
                                .setRole("prod")
                                .setSet(Value.Set.newBuilder().addItem("a\"b").addItem("\u0001")))))
                .build();
        Event update = Event.newBuilder()
                .setType(Event.Type.UPDATE)
                .setUpdate(Event.Update.newBuilder().setStatus(TaskStatus.newBuilder()
                        .setTaskId(TaskID.newBuilder().setValue("t"))
                        .setState(TaskState.TASK_FAILED)
                        .setReason(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY)
                        .setData(ByteString.copyFrom(new byte[] {0, -1, 127, -128}))
                        .setTimestamp(1783868668.5141294)
                        .setHealthy(false)
                        .setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey("k").setValue("v")))))
                .build();
        TaskInfo task = TaskInfo.newBuilder()
                .setName("t")
                .setTaskId(TaskID.newBuilder().setValue("t1"))
                .setAgentId(AgentID.newBuilder().setValue("a1"))
                .setCommand(CommandInfo.newBuilder().setShell(false).setValue("/bin/true").addArguments("-x"))
                .putLimits("mem", Value.Scalar.newBuilder().setValue(0.30000000000000004).build())
                .build();

        assertThat(MesosJson.parse(MesosJson.print(event), Event.getDefaultInstance())).isEqualTo(event);
        assertThat(MesosJson.parse(MesosJson.print(update), Event.getDefaultInstance())).isEqualTo(update);
        assertThat(MesosJson.parse(MesosJson.print(task), TaskInfo.getDefaultInstance())).isEqualTo(task);
    }
}
