package dev.vmesos.api.json;

import com.google.protobuf.ByteString;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.Filters;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Label;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.Value;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Output must equal what the Mesos master writes, string for string. */
class MesosJsonPrintTest {

    private static final byte[] UUID_BYTES = {
        (byte) 0xFB, 0x1E, 0x2D, 0x3C, 0x4B, 0x5A, 0x69, 0x78,
        (byte) 0x87, (byte) 0x96, (byte) 0xA5, (byte) 0xB4, (byte) 0xC3, (byte) 0xD2, (byte) 0xE1, (byte) 0xF0};

    @Test
    void updateEventWritesTypeFirstBytesAsBase64AndTimestampAsDouble() {
        // Set update before type: output order must follow the .proto, not the builder calls.
        Event event = Event.newBuilder()
                .setUpdate(Event.Update.newBuilder().setStatus(TaskStatus.newBuilder()
                        .setUuid(ByteString.copyFrom(UUID_BYTES))
                        .setTimestamp(1700000000.123456)
                        .setAgentId(AgentID.newBuilder().setValue("agent-1"))
                        .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
                        .setState(TaskState.TASK_RUNNING)
                        .setTaskId(TaskID.newBuilder().setValue("task-1"))))
                .setType(Event.Type.UPDATE)
                .build();

        assertThat(MesosJson.print(event)).isEqualTo("{\"type\":\"UPDATE\",\"update\":{\"status\":{"
                + "\"task_id\":{\"value\":\"task-1\"},\"state\":\"TASK_RUNNING\",\"source\":\"SOURCE_EXECUTOR\","
                + "\"agent_id\":{\"value\":\"agent-1\"},\"timestamp\":1700000000.123456,"
                + "\"uuid\":\"+x4tPEtaaXiHlqW0w9Lh8A==\"}}}");
    }

    @Test
    void subscribedEventWritesHeartbeatIntervalAsFifteenPointZeroAndIpUnsigned() {
        Event event = Event.newBuilder()
                .setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder()
                        .setFrameworkId(FrameworkID.newBuilder().setValue("fw-1"))
                        .setHeartbeatIntervalSeconds(15)
                        .setMasterInfo(MasterInfo.newBuilder()
                                .setId("master-1")
                                .setIp(0xC800000A) // 10.0.0.200 in network byte order, above 2^31
                                .setPort(5050)
                                .setHostname("m1")))
                .build();

        assertThat(MesosJson.print(event)).isEqualTo("{\"type\":\"SUBSCRIBED\",\"subscribed\":{"
                + "\"framework_id\":{\"value\":\"fw-1\"},\"heartbeat_interval_seconds\":15.0,"
                + "\"master_info\":{\"id\":\"master-1\",\"ip\":3355443210,\"port\":5050,\"hostname\":\"m1\"}}}");
    }

    @Test
    void unsetFieldWithDefaultIsWritten() {
        assertThat(MesosJson.print(Filters.getDefaultInstance())).isEqualTo("{\"refuse_seconds\":5.0}");
        assertThat(MesosJson.print(Filters.newBuilder().setRefuseSeconds(0.5).build()))
                .isEqualTo("{\"refuse_seconds\":0.5}");
    }

    @Test
    void frameworkInfoWritesNonDeprecatedDefaultsButNotDeprecatedRole() {
        FrameworkInfo info = FrameworkInfo.newBuilder().setUser("alice").setName("fw").build();

        assertThat(MesosJson.print(info))
                .isEqualTo("{\"user\":\"alice\",\"name\":\"fw\",\"failover_timeout\":0.0,\"checkpoint\":false}");
    }

    @Test
    void deprecatedFieldIsWrittenWhenSet() {
        FrameworkInfo info = FrameworkInfo.newBuilder().setUser("u").setName("n").setRole("*").build();

        assertThat(MesosJson.print(info)).isEqualTo(
                "{\"user\":\"u\",\"name\":\"n\",\"failover_timeout\":0.0,\"checkpoint\":false,\"role\":\"*\"}");
    }

    @Test
    void commandInfoWithOnlyValueWritesShellDefaultInDeclarationOrder() {
        // shell (field 6) is declared before value (field 3).
        assertThat(MesosJson.print(CommandInfo.newBuilder().setValue("sleep 10").build()))
                .isEqualTo("{\"shell\":true,\"value\":\"sleep 10\"}");
    }

    @Test
    void resourceWithoutRoleDoesNotWriteRole() {
        Resource cpus = Resource.newBuilder()
                .setName("cpus")
                .setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(0.5))
                .build();

        assertThat(MesosJson.print(cpus))
                .isEqualTo("{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":0.5}}");
    }

    @Test
    void fieldsFollowDeclarationOrderNotFieldNumbers() {
        // In Call, revive (15) is declared before kill (6).
        Call call = Call.newBuilder()
                .setKill(Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue("t")))
                .setRevive(Call.Revive.newBuilder().addRoles("web"))
                .build();

        assertThat(MesosJson.print(call))
                .isEqualTo("{\"revive\":{\"roles\":[\"web\"]},\"kill\":{\"task_id\":{\"value\":\"t\"}}}");
    }

    @Test
    void uint64WrittenAsUnsignedNumberAndEmptyRepeatedLeftOut() {
        Value.Ranges ranges = Value.Ranges.newBuilder()
                .addRange(Value.Range.newBuilder().setBegin(0).setEnd(-1L))
                .build();

        assertThat(MesosJson.print(ranges))
                .isEqualTo("{\"range\":[{\"begin\":0,\"end\":18446744073709551615}]}");
        assertThat(MesosJson.print(Value.Ranges.getDefaultInstance())).isEqualTo("{}");
    }

    @Test
    void mapFieldIsAJsonObject() {
        TaskInfo task = TaskInfo.newBuilder()
                .setName("t")
                .setTaskId(TaskID.newBuilder().setValue("t1"))
                .setAgentId(AgentID.newBuilder().setValue("a1"))
                .putLimits("cpus", Value.Scalar.newBuilder().setValue(2).build())
                .build();

        assertThat(MesosJson.print(task)).isEqualTo("{\"name\":\"t\",\"task_id\":{\"value\":\"t1\"},"
                + "\"agent_id\":{\"value\":\"a1\"},\"limits\":{\"cpus\":{\"value\":2.0}}}");
    }

    @Test
    void stringsAreEscapedLikeRapidJson() {
        Label label = Label.newBuilder()
                .setKey("k")
                .setValue("q\" b\\ n\n t\t r\r f\f b\b nul\u0000 us\u001f del\u007f / é✓🚀")
                .build();

        assertThat(MesosJson.print(label)).isEqualTo("{\"key\":\"k\",\"value\":"
                + "\"q\\\" b\\\\ n\\n t\\t r\\r f\\f b\\b nul\\u0000 us\\u001F del\u007f / é✓🚀\"}");
    }

    @Test
    void nonFiniteDoublesAreWrittenAsStrings() {
        TaskStatus.Builder status = TaskStatus.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue("t"))
                .setState(TaskState.TASK_LOST);

        assertThat(MesosJson.print(status.setTimestamp(Double.NaN)))
                .endsWith("\"timestamp\":\"NaN\"}");
        assertThat(MesosJson.print(status.setTimestamp(Double.POSITIVE_INFINITY)))
                .endsWith("\"timestamp\":\"Infinity\"}");
        assertThat(MesosJson.print(status.setTimestamp(Double.NEGATIVE_INFINITY)))
                .endsWith("\"timestamp\":\"-Infinity\"}");
    }

    @Test
    void requiredButUnsetFieldsAreNotWritten() {
        assertThat(MesosJson.print(TaskID.getDefaultInstance())).isEqualTo("{}");
        assertThat(MesosJson.print(TaskStatus.newBuilder().setMessage("m"))).isEqualTo("{\"message\":\"m\"}");
    }
}
