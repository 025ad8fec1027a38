package dev.vmesos.master.http;

import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.master.state.CallResult;

/** Call-level checks Mesos makes before dispatching (its validation.cpp): an error result, or null. */
public final class CallValidation {

  private CallValidation() {
  }

  public static CallResult validate(Call call) {
    if (!call.hasType()) {
      return CallResult.badRequest("Expecting 'type' to be present");
    }
    if (call.getType() == Call.Type.UNKNOWN) {
      return CallResult.notImplemented("Received an unexpected 'UNKNOWN' call");
    }
    if (call.getType() == Call.Type.SUBSCRIBE) {
      if (!call.hasSubscribe()) {
        return CallResult.badRequest("Expecting 'subscribe' to be present");
      }
      var info = call.getSubscribe().getFrameworkInfo();
      boolean callHasId = call.hasFrameworkId();
      boolean infoHasId = info.hasId();
      if (callHasId != infoHasId
          || (callHasId && !call.getFrameworkId().getValue().equals(info.getId().getValue()))) {
        return CallResult.badRequest("'framework_id' differs from 'subscribe.framework_info.id'");
      }
      return null;
    }
    if (!call.hasFrameworkId()) {
      return CallResult.badRequest("Expecting 'framework_id' to be present");
    }
    String missing = switch (call.getType()) {
      case ACCEPT -> call.hasAccept() ? null : "accept";
      case DECLINE -> call.hasDecline() ? null : "decline";
      case ACCEPT_INVERSE_OFFERS -> call.hasAcceptInverseOffers() ? null : "accept_inverse_offers";
      case DECLINE_INVERSE_OFFERS -> call.hasDeclineInverseOffers() ? null : "decline_inverse_offers";
      case KILL -> call.hasKill() ? null : "kill";
      case SHUTDOWN -> call.hasShutdown() ? null : "shutdown";
      case ACKNOWLEDGE -> call.hasAcknowledge() ? null : "acknowledge";
      case ACKNOWLEDGE_OPERATION_STATUS -> call.hasAcknowledgeOperationStatus() ? null
          : "acknowledge_operation_status";
      case RECONCILE -> call.hasReconcile() ? null : "reconcile";
      case RECONCILE_OPERATIONS -> call.hasReconcileOperations() ? null : "reconcile_operations";
      case MESSAGE -> call.hasMessage() ? null : "message";
      case REQUEST -> call.hasRequest() ? null : "request";
      case UPDATE_FRAMEWORK -> call.hasUpdateFramework() ? null : "update_framework";
      default -> null;
    };
    return missing == null ? null : CallResult.badRequest("Expecting '" + missing + "' to be present");
  }
}
