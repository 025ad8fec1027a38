package dev.vmesos.master.operator;

import dev.vmesos.api.v1.master.Protos.Call;

/**
 * Call-level checks Mesos makes before dispatching an operator call (its {@code master::call::
 * validate}): the type is present and the call's sub-message with it. An error result, or null.
 */
final class OperatorValidation {

  private OperatorValidation() {
  }

  static OperatorResult validate(Call call) {
    if (!call.hasType()) {
      return OperatorResult.badRequest("Expecting 'type' to be present");
    }
    if (call.getType() == Call.Type.UNKNOWN) {
      return OperatorResult.notImplemented("Received an unexpected 'UNKNOWN' call");
    }
    String missing = switch (call.getType()) {
      case UPDATE_WEIGHTS -> call.hasUpdateWeights() ? null : "update_weights";
      case UPDATE_QUOTA -> call.hasUpdateQuota() ? null : "update_quota";
      case SET_QUOTA -> call.hasSetQuota() ? null : "set_quota";
      case REMOVE_QUOTA -> call.hasRemoveQuota() ? null : "remove_quota";
      case TEARDOWN -> call.hasTeardown() ? null : "teardown";
      case RESERVE_RESOURCES -> call.hasReserveResources() ? null : "reserve_resources";
      case UNRESERVE_RESOURCES -> call.hasUnreserveResources() ? null : "unreserve_resources";
      case MARK_AGENT_GONE -> call.hasMarkAgentGone() ? null : "mark_agent_gone";
      case DRAIN_AGENT -> call.hasDrainAgent() ? null : "drain_agent";
      case DEACTIVATE_AGENT -> call.hasDeactivateAgent() ? null : "deactivate_agent";
      case REACTIVATE_AGENT -> call.hasReactivateAgent() ? null : "reactivate_agent";
      case SET_LOGGING_LEVEL -> call.hasSetLoggingLevel() ? null : "set_logging_level";
      case LIST_FILES -> call.hasListFiles() ? null : "list_files";
      case READ_FILE -> call.hasReadFile() ? null : "read_file";
      default -> null;
    };
    return missing == null ? null : OperatorResult.badRequest("Expecting '" + missing + "' to be present");
  }
}
