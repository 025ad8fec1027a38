package dev.vmesos.master.operator;

import dev.vmesos.api.resources.Roles;
import dev.vmesos.api.v1.Protos.Flag;
import dev.vmesos.api.v1.Protos.Metric;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Value;
import dev.vmesos.api.v1.Protos.WeightInfo;
import dev.vmesos.api.v1.master.Protos.Call;
import dev.vmesos.api.v1.master.Protos.Response;
import dev.vmesos.api.v1.quota.Protos.QuotaConfig;
import dev.vmesos.master.allocator.Quota;
import dev.vmesos.master.state.Master;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * The synchronous operator calls: reads answer with a {@link Response}, updates change the master
 * (its allocator's weights and quotas, or a framework) and answer 200 with no body, as Mesos does.
 * Updates are validated as a whole before anything changes, so a bad request changes nothing.
 */
final class OperatorCalls {

  private final Master master;
  private final OperatorState state;
  private final BuildInfo build;
  private final SortedMap<String, String> flags;
  private final Supplier<Map<String, Double>> metrics;
  private final double startTime;
  private final double electedTime;

  OperatorCalls(Master master, OperatorState state, BuildInfo build, SortedMap<String, String> flags,
                Supplier<Map<String, Double>> metrics, double startTime, double electedTime) {
    this.master = master;
    this.state = state;
    this.build = build;
    this.flags = flags;
    this.metrics = metrics;
    this.startTime = startTime;
    this.electedTime = electedTime;
  }

  /** Any call but SUBSCRIBE, already validated by {@link OperatorValidation}. */
  OperatorResult handle(Call call) {
    Response.Builder response = Response.newBuilder();
    switch (call.getType()) {
      case GET_HEALTH -> response.setType(Response.Type.GET_HEALTH)
          .setGetHealth(Response.GetHealth.newBuilder().setHealthy(true));
      case GET_FLAGS -> {
        Response.GetFlags.Builder flagList = Response.GetFlags.newBuilder();
        flags.forEach((name, value) -> flagList.addFlags(Flag.newBuilder().setName(name).setValue(value)));
        response.setType(Response.Type.GET_FLAGS).setGetFlags(flagList);
      }
      case GET_VERSION -> response.setType(Response.Type.GET_VERSION)
          .setGetVersion(Response.GetVersion.newBuilder().setVersionInfo(build.proto()));
      case GET_METRICS -> {
        Response.GetMetrics.Builder metricList = Response.GetMetrics.newBuilder();
        metrics.get().forEach((name, value) -> metricList.addMetrics(Metric.newBuilder().setName(name)
            .setValue(value)));
        response.setType(Response.Type.GET_METRICS).setGetMetrics(metricList);
      }
      case GET_STATE -> response.setType(Response.Type.GET_STATE).setGetState(state.state());
      case GET_AGENTS -> response.setType(Response.Type.GET_AGENTS).setGetAgents(state.agents());
      case GET_FRAMEWORKS -> response.setType(Response.Type.GET_FRAMEWORKS).setGetFrameworks(state.frameworks());
      case GET_EXECUTORS -> response.setType(Response.Type.GET_EXECUTORS).setGetExecutors(state.executors());
      case GET_TASKS -> response.setType(Response.Type.GET_TASKS).setGetTasks(state.tasks());
      case GET_ROLES -> response.setType(Response.Type.GET_ROLES).setGetRoles(state.roles());
      case GET_WEIGHTS -> response.setType(Response.Type.GET_WEIGHTS).setGetWeights(state.weights());
      case GET_MASTER -> response.setType(Response.Type.GET_MASTER)
          .setGetMaster(Response.GetMaster.newBuilder().setMasterInfo(master.masterInfo())
              .setStartTime(startTime).setElectedTime(electedTime));
      case GET_QUOTA -> response.setType(Response.Type.GET_QUOTA)
          .setGetQuota(Response.GetQuota.newBuilder().setStatus(state.quota()));
      case UPDATE_WEIGHTS -> {
        return updateWeights(call.getUpdateWeights());
      }
      case UPDATE_QUOTA -> {
        return updateQuota(call.getUpdateQuota());
      }
      case SET_QUOTA -> {
        return setQuota(call.getSetQuota());
      }
      case REMOVE_QUOTA -> {
        return removeQuota(call.getRemoveQuota().getRole());
      }
      case GET_LOGGING_LEVEL, SET_LOGGING_LEVEL, LIST_FILES, READ_FILE -> {
        return LogCalls.handle(call, dev.vmesos.master.http.MasterObservability.LOG_PATH);
      }
      case TEARDOWN -> {
        String frameworkId = call.getTeardown().getFrameworkId().getValue();
        return master.teardown(frameworkId) ? OperatorResult.okEmpty()
            : OperatorResult.badRequest("No framework found with specified ID");
      }
      default -> {
        return OperatorResult.notImplemented("'" + call.getType() + "' calls are not supported by this master yet");
      }
    }
    return OperatorResult.ok(response.build());
  }

  /** Whether a successful call changed what the registry keeps: it is answered once that is durable. */
  static boolean changesRegistry(Call.Type type) {
    return switch (type) {
      case UPDATE_WEIGHTS, UPDATE_QUOTA, SET_QUOTA, REMOVE_QUOTA, TEARDOWN -> true;
      default -> false;
    };
  }

  /** Completes once the master's changes so far are durable. */
  java.util.concurrent.CompletionStage<Void> durable() {
    return master.durable();
  }

  private OperatorResult updateWeights(Call.UpdateWeights update) {
    Map<String, Double> weights = new LinkedHashMap<>();
    for (WeightInfo info : update.getWeightInfosList()) {
      if (!info.hasRole()) {
        return OperatorResult.badRequest("Failed to validate weights: every weight needs a 'role'");
      }
      Optional<String> invalid = Roles.validate(info.getRole());
      if (invalid.isPresent()) {
        return OperatorResult.badRequest("Failed to validate weights: " + invalid.get());
      }
      if (!(info.getWeight() > 0) || Double.isInfinite(info.getWeight())) {
        return OperatorResult.badRequest("Failed to validate weights: the weight of role '" + info.getRole()
            + "' must be a positive number, got " + info.getWeight());
      }
      weights.put(info.getRole(), info.getWeight());
    }
    master.updateWeights(weights);
    return OperatorResult.okEmpty();
  }

  /**
   * UPDATE_QUOTA: all configs or none. A config without guarantees and limits resets the role to no
   * quota. Unlike Mesos, {@code force} is not needed to set a limit below the role's current usage:
   * the allocator only stops offering more.
   */
  private OperatorResult updateQuota(Call.UpdateQuota update) {
    Map<String, Quota> quotas = new LinkedHashMap<>();
    for (QuotaConfig config : update.getQuotaConfigsList()) {
      String role = config.getRole();
      String error = validateQuotaRole(role);
      if (error == null && quotas.containsKey(role)) {
        error = "role '" + role + "' appears more than once";
      }
      if (error == null) {
        error = validateQuantities("guarantees", config.getGuaranteesMap());
      }
      if (error == null) {
        error = validateQuantities("limits", config.getLimitsMap());
      }
      if (error != null) {
        return OperatorResult.badRequest("Invalid QuotaConfig: " + error);
      }
      try {
        quotas.put(role, new Quota(values(config.getGuaranteesMap()), values(config.getLimitsMap())));
      } catch (IllegalArgumentException e) {
        return OperatorResult.badRequest("Invalid QuotaConfig for role '" + role + "': " + e.getMessage());
      }
    }
    quotas.forEach(master::updateQuota);
    return OperatorResult.okEmpty();
  }

  /** Pre-1.9 SET_QUOTA: the guarantee is also the limit, and a role with a quota is refused. */
  private OperatorResult setQuota(Call.SetQuota set) {
    String role = set.getQuotaRequest().getRole();
    String error = validateQuotaRole(role);
    if (error != null) {
      return OperatorResult.badRequest("Failed to validate set quota request: " + error);
    }
    if (master.allocator().quotas().containsKey(role)) {
      return OperatorResult.badRequest("Failed to validate set quota request: role '" + role
          + "' already has quota");
    }
    Map<String, Double> guarantee = new LinkedHashMap<>();
    for (Resource resource : set.getQuotaRequest().getGuaranteeList()) {
      if (resource.getType() != Value.Type.SCALAR || !(resource.getScalar().getValue() >= 0)) {
        return OperatorResult.badRequest("Failed to validate set quota request: '" + resource.getName()
            + "' must be a non-negative scalar");
      }
      guarantee.merge(resource.getName(), resource.getScalar().getValue(), Double::sum);
    }
    master.updateQuota(role, new Quota(guarantee, guarantee));
    return OperatorResult.okEmpty();
  }

  private OperatorResult removeQuota(String role) {
    if (!master.allocator().quotas().containsKey(role)) {
      return OperatorResult.badRequest("Failed to remove quota: role '" + role + "' has no quota set");
    }
    master.updateQuota(role, Quota.NONE);
    return OperatorResult.okEmpty();
  }

  private static String validateQuotaRole(String role) {
    if (role.equals(Roles.UNRESERVED)) {
      return "quota cannot be set for the default role '*'";
    }
    return Roles.validate(role).orElse(null);
  }

  private static String validateQuantities(String field, Map<String, Value.Scalar> quantities) {
    Set<String> seen = new HashSet<>();
    for (Map.Entry<String, Value.Scalar> entry : quantities.entrySet()) {
      double value = entry.getValue().getValue();
      if (entry.getKey().isEmpty() || !seen.add(entry.getKey())) {
        return "'" + field + "' has an empty or repeated resource name";
      }
      if (!(value >= 0) || Double.isInfinite(value)) {
        return "'" + field + "' of '" + entry.getKey() + "' must be a non-negative number, got " + value;
      }
    }
    return null;
  }

  private static Map<String, Double> values(Map<String, Value.Scalar> quantities) {
    Map<String, Double> values = new LinkedHashMap<>();
    quantities.forEach((name, scalar) -> values.put(name, scalar.getValue()));
    return values;
  }
}
