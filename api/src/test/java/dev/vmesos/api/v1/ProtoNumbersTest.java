package dev.vmesos.api.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import org.junit.jupiter.api.Test;

/**
 * Pins the wire numbers, labels, defaults and deprecation markers that Mesos clients
 * depend on, so an accidental edit of the .proto files fails the build.
 */
class ProtoNumbersTest {

  private static FieldDescriptor field(Descriptor d, String name, int number) {
    FieldDescriptor f = d.findFieldByName(name);
    assertNotNull(f, d.getFullName() + "." + name + " missing");
    assertEquals(number, f.getNumber(), d.getFullName() + "." + name + " number");
    return f;
  }

  private static void value(EnumDescriptor e, String name, int number) {
    assertNotNull(e.findValueByName(name), e.getFullName() + "." + name + " missing");
    assertEquals(number, e.findValueByName(name).getNumber(), e.getFullName() + "." + name);
  }

  @Test
  void packagesAndNames() {
    assertEquals("mesos.v1.FrameworkInfo", Protos.FrameworkInfo.getDescriptor().getFullName());
    assertEquals("mesos.v1.scheduler.Call",
        dev.vmesos.api.v1.scheduler.Protos.Call.getDescriptor().getFullName());
    assertEquals("mesos.v1.executor.Event",
        dev.vmesos.api.v1.executor.Protos.Event.getDescriptor().getFullName());
  }

  @Test
  void schedulerCall() {
    Descriptor call = dev.vmesos.api.v1.scheduler.Protos.Call.getDescriptor();
    EnumDescriptor type = call.findEnumTypeByName("Type");
    value(type, "UNKNOWN", 0);
    value(type, "SUBSCRIBE", 1);
    value(type, "ACCEPT", 3);
    value(type, "REVIVE", 5);
    value(type, "ACKNOWLEDGE", 8);
    value(type, "SUPPRESS", 12);
    value(type, "ACKNOWLEDGE_OPERATION_STATUS", 15);
    value(type, "RECONCILE_OPERATIONS", 16);
    value(type, "UPDATE_FRAMEWORK", 17);
    field(call, "framework_id", 1);
    field(call, "type", 2);
    field(call, "subscribe", 3);
    field(call, "accept", 4);
    field(call, "decline", 5);
    field(call, "revive", 15);
    field(call, "suppress", 16);
    field(call, "acknowledge_operation_status", 17);
    field(call, "reconcile_operations", 18);
    field(call, "update_framework", 19);

    Descriptor subscribe = call.findNestedTypeByName("Subscribe");
    assertTrue(field(subscribe, "framework_info", 1).isRequired());
    field(subscribe, "suppressed_roles", 2);
    field(subscribe, "offer_constraints", 3);

    Descriptor ack = call.findNestedTypeByName("Acknowledge");
    FieldDescriptor uuid = field(ack, "uuid", 3);
    assertEquals(FieldDescriptor.Type.BYTES, uuid.getType());
    assertTrue(uuid.isRequired());
  }

  @Test
  void schedulerEvent() {
    Descriptor event = dev.vmesos.api.v1.scheduler.Protos.Event.getDescriptor();
    EnumDescriptor type = event.findEnumTypeByName("Type");
    value(type, "SUBSCRIBED", 1);
    value(type, "OFFERS", 2);
    value(type, "UPDATE", 4);
    value(type, "HEARTBEAT", 8);
    value(type, "UPDATE_OPERATION_STATUS", 11);
    field(event, "type", 1);
    field(event, "subscribed", 2);
    field(event, "offers", 3);
    field(event, "update", 5);
    field(event, "update_operation_status", 11);
    Descriptor subscribed = event.findNestedTypeByName("Subscribed");
    field(subscribed, "heartbeat_interval_seconds", 2);
    field(subscribed, "master_info", 3);
  }

  @Test
  void executorApi() {
    Descriptor call = dev.vmesos.api.v1.executor.Protos.Call.getDescriptor();
    value(call.findEnumTypeByName("Type"), "HEARTBEAT", 4);
    assertTrue(field(call, "executor_id", 1).isRequired());
    assertTrue(field(call, "framework_id", 2).isRequired());
    field(call.findNestedTypeByName("Message"), "data", 2);

    Descriptor event = dev.vmesos.api.v1.executor.Protos.Event.getDescriptor();
    value(event.findEnumTypeByName("Type"), "LAUNCH_GROUP", 8);
    value(event.findEnumTypeByName("Type"), "HEARTBEAT", 9);
    field(event, "launch_group", 8);
    field(event.findNestedTypeByName("Subscribed"), "container_id", 4);
  }

  @Test
  void taskStateAndStatus() {
    EnumDescriptor state = Protos.TaskState.getDescriptor();
    value(state, "TASK_STAGING", 6);
    value(state, "TASK_STARTING", 0);
    value(state, "TASK_RUNNING", 1);
    value(state, "TASK_KILLING", 8);
    value(state, "TASK_LOST", 5);
    value(state, "TASK_UNKNOWN", 13);

    Descriptor status = Protos.TaskStatus.getDescriptor();
    FieldDescriptor uuid = field(status, "uuid", 11);
    assertEquals(FieldDescriptor.Type.BYTES, uuid.getType());
    field(status, "reason", 10);
    field(status, "check_status", 15);
    field(status, "limitation", 16);
    EnumDescriptor reason = status.findEnumTypeByName("Reason");
    value(reason, "REASON_COMMAND_EXECUTOR_FAILED", 0);
    value(reason, "REASON_RECONCILIATION", 9);
    value(reason, "REASON_AGENT_DRAINING", 34);
    assertEquals(35, reason.getValues().size());
  }

  @Test
  void resourceAndFramework() {
    Descriptor resource = Protos.Resource.getDescriptor();
    field(resource, "reservations", 13);
    field(resource, "reservation", 8);
    field(resource, "allocation_info", 11);
    FieldDescriptor role = field(resource, "role", 6);
    assertTrue(role.getOptions().getDeprecated());
    assertTrue(role.hasDefaultValue());
    assertEquals("*", role.getDefaultValue());

    Descriptor fw = Protos.FrameworkInfo.getDescriptor();
    field(fw, "roles", 12);
    assertTrue(field(fw, "role", 6).getOptions().getDeprecated());
    assertEquals(0.0, (Double) field(fw, "failover_timeout", 4).getDefaultValue());
    assertEquals(Boolean.FALSE, field(fw, "checkpoint", 5).getDefaultValue());
    assertTrue(field(fw, "offer_filters", 13).isMapField());
  }

  @Test
  void offersAndDefaults() {
    Descriptor offer = Protos.Offer.getDescriptor();
    field(offer, "url", 8);
    field(offer, "domain", 11);
    field(offer, "allocation_info", 10);
    Descriptor op = Protos.Offer.Operation.getDescriptor();
    field(op, "id", 12);
    field(op, "launch_group", 7);
    value(op.findEnumTypeByName("Type"), "LAUNCH_GROUP", 6);
    value(op.findEnumTypeByName("Type"), "DESTROY_DISK", 14);

    FieldDescriptor refuse = field(Protos.Filters.getDescriptor(), "refuse_seconds", 1);
    assertTrue(refuse.hasDefaultValue());
    assertEquals(5.0, (Double) refuse.getDefaultValue());

    FieldDescriptor network =
        field(Protos.ContainerInfo.DockerInfo.getDescriptor(), "network", 2);
    assertTrue(network.hasDefaultValue());
    assertEquals("HOST", ((EnumValueDescriptor) network.getDefaultValue()).getName());
    assertFalse(network.getOptions().getDeprecated());
    assertTrue(field(Protos.ContainerInfo.DockerInfo.getDescriptor(), "volume_driver", 7)
        .getOptions().getDeprecated());

    assertEquals(Boolean.TRUE, field(Protos.CommandInfo.getDescriptor(), "shell", 6)
        .getDefaultValue());
    assertEquals(5050,
        (Integer) field(Protos.MasterInfo.getDescriptor(), "port", 3).getDefaultValue());
    assertEquals("VALUE", ((EnumValueDescriptor)
        field(Protos.Environment.Variable.getDescriptor(), "type", 3).getDefaultValue()).getName());
  }
}
