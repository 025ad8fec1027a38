package dev.vmesos.master.operator;

import dev.vmesos.api.json.MesosJson;
import dev.vmesos.api.json.MesosJsonException;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.WeightInfo;
import dev.vmesos.api.v1.master.Protos.Call;
import dev.vmesos.master.allocator.HierarchicalAllocator;
import dev.vmesos.master.allocator.Quota;
import dev.vmesos.master.http.Responses;
import dev.vmesos.master.security.HttpAuthGuard;
import dev.vmesos.master.security.ViewFilter;
import dev.vmesos.master.state.Agent;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.Master;
import dev.vmesos.master.state.Task;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Mesos master's legacy JSON endpoints beside {@code /state}: {@code /frameworks},
 * {@code /slaves}, {@code /tasks}, {@code /roles}, {@code /quota} and {@code /weights}, unprefixed and
 * under {@code /master}, with the shapes of Mesos's {@code readonly_handler.cpp} and {@code http.cpp}
 * (v0 names, resources as name-to-number maps, times in seconds) written as Mesos writes JSON. What a
 * principal may not view ({@code --acls}: {@code view_frameworks}, {@code view_tasks},
 * {@code view_executors}) is left out as from {@code /state}. {@code PUT /weights} changes weights as
 * UPDATE_WEIGHTS does (same validation, {@code update_weights} ACL, answered once durable).
 */
public final class LegacyEndpoints {

  private static final Logger LOG = LoggerFactory.getLogger(LegacyEndpoints.class);
  /** Mesos's default {@code limit} of {@code /tasks}. */
  static final int TASK_LIMIT = 100;

  private LegacyEndpoints() {
  }

  /**
   * Installs the routes (the leader check and authentication run before them). {@code api} is null
   * until the master has started; a body over {@code bodyLimit} bytes is refused with 413.
   */
  public static void mount(Router router, Supplier<OperatorApi> api, long bodyLimit) {
    for (String prefix : new String[] {"", "/master"}) {
      get(router, prefix + "/frameworks", api, LegacyEndpoints::frameworks);
      get(router, prefix + "/slaves", api, LegacyEndpoints::slaves);
      get(router, prefix + "/tasks", api, LegacyEndpoints::tasks);
      get(router, prefix + "/roles", api, LegacyEndpoints::roles);
      get(router, prefix + "/quota", api, LegacyEndpoints::quota);
      get(router, prefix + "/weights", api, LegacyEndpoints::weights);
      router.put(prefix + "/weights").handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
          .handler(ready(api, LegacyEndpoints::updateWeights));
      allow(router, prefix + "/frameworks", "GET");
      allow(router, prefix + "/slaves", "GET");
      allow(router, prefix + "/tasks", "GET");
      allow(router, prefix + "/roles", "GET");
      allow(router, prefix + "/quota", "GET");
      allow(router, prefix + "/weights", "GET, PUT");
    }
  }

  private static void get(Router router, String path, Supplier<OperatorApi> api,
                          BiConsumer<OperatorApi, RoutingContext> handler) {
    router.get(path).handler(ready(api, handler));
  }

  /** Any other method: 405 naming the allowed ones, as libprocess's {@code MethodNotAllowed}. */
  private static void allow(Router router, String path, String methods) {
    router.route(path).handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.ALLOW, methods);
      Responses.text(ctx.response(), 405, "Expecting one of { '" + methods.replace(", ", "', '")
          + "' }, but received '" + ctx.request().method() + "'");
    });
  }

  private static Handler<RoutingContext> ready(Supplier<OperatorApi> api,
                                               BiConsumer<OperatorApi, RoutingContext> handler) {
    return ctx -> {
      OperatorApi operator = api.get();
      if (operator == null) {
        Responses.text(ctx.response(), 503, "Master has not finished recovery");
      } else {
        handler.accept(operator, ctx);
      }
    };
  }

  private static ViewFilter view(OperatorApi api, RoutingContext ctx) {
    return api.authorization().view(HttpAuthGuard.principal(ctx));
  }

  private static String param(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    return value == null || value.isEmpty() ? null : value;
  }

  /** {@code /frameworks[?framework_id=]}: frameworks, completed frameworks, no unregistered ones. */
  private static void frameworks(OperatorApi api, RoutingContext ctx) {
    JsonObject json = api.stateJson().frameworks(param(ctx, "framework_id"));
    OperatorApi.respondJson(ctx, view(api, ctx).stateJson(json));
  }

  /** {@code /slaves[?slave_id=]}: registered and recovered agents. */
  private static void slaves(OperatorApi api, RoutingContext ctx) {
    OperatorApi.respondJson(ctx, api.stateJson().slaves(param(ctx, "slave_id")));
  }

  /**
   * {@code /tasks}: the tasks, unreachable tasks and completed tasks of every framework the master
   * knows (registered or completed) that the principal may view, sorted by their first status's time
   * ({@code order=asc}, or descending by default; tasks with no status yet last in descending order
   * and first in ascending, as Mesos sorts them), then {@code limit} (default 100) from
   * {@code offset} (default 0). {@code framework_id} and {@code task_id} select.
   */
  private static void tasks(OperatorApi api, RoutingContext ctx) {
    Integer limit;
    Integer offset;
    try {
      limit = count(ctx, "limit", TASK_LIMIT);
      offset = count(ctx, "offset", 0);
    } catch (IllegalArgumentException e) {
      Responses.text(ctx.response(), 400, e.getMessage());
      return;
    }
    boolean ascending = "asc".equals(ctx.request().getParam("order"));
    String taskId = param(ctx, "task_id");
    JsonObject frameworks = view(api, ctx).stateJson(api.stateJson().frameworks(param(ctx, "framework_id")));
    List<JsonObject> tasks = new ArrayList<>();
    for (String group : List.of("frameworks", "completed_frameworks")) {
      for (Object framework : frameworks.getJsonArray(group)) {
        for (String list : List.of("tasks", "unreachable_tasks", "completed_tasks")) {
          for (Object task : ((JsonObject) framework).getJsonArray(list)) {
            JsonObject json = (JsonObject) task;
            if (taskId == null || taskId.equals(json.getString("id"))) {
              tasks.add(json);
            }
          }
        }
      }
    }
    tasks.sort(ascending ? Comparator.comparing(LegacyEndpoints::firstStatusTime,
            Comparator.nullsFirst(Comparator.<Double>naturalOrder()))
        : Comparator.comparing(LegacyEndpoints::firstStatusTime,
            Comparator.nullsLast(Comparator.<Double>reverseOrder())));
    int from = Math.min(offset, tasks.size());
    int to = (int) Math.min((long) from + limit, tasks.size());
    OperatorApi.respondJson(ctx, new JsonObject().put("tasks", new JsonArray(new ArrayList<>(tasks.subList(from, to)))));
  }

  private static Double firstStatusTime(JsonObject task) {
    JsonArray statuses = task.getJsonArray("statuses");
    if (statuses == null || statuses.isEmpty()) {
      return null;
    }
    Object time = statuses.getJsonObject(0).getValue("timestamp");
    return time instanceof Number number ? number.doubleValue() : null;
  }

  private static int count(RoutingContext ctx, String name, int fallback) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < 0) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Failed to parse '" + name + "': '" + value
          + "' is not a non-negative integer");
    }
  }

  /**
   * {@code /roles}: every known role (of a framework, a weight, a quota, a reservation or an
   * allocation) with Mesos's fields: weight, quota (guarantee, limit, consumed), resources (allocated
   * plus offered), allocated, offered, reserved, and the ids of its frameworks.
   */
  private static void roles(OperatorApi api, RoutingContext ctx) {
    Master master = api.master();
    HierarchicalAllocator allocator = master.allocator();
    Map<String, Double> weights = allocator.weights();
    Map<String, Quota> quotas = allocator.quotas();
    Map<String, Resources> allocated = new TreeMap<>();
    Map<String, Resources> offered = new TreeMap<>();
    Map<String, Set<String>> frameworksByRole = new TreeMap<>();
    for (Framework framework : master.frameworks().values()) {
      for (String role : framework.roles()) {
        frameworksByRole.computeIfAbsent(role, k -> new TreeSet<>()).add(framework.id());
      }
      for (Task task : framework.tasks().values()) {
        if (Usage.holdsResources(task)) {
          allocated.merge(task.role(), task.resources(), Resources::plus);
        }
      }
      for (Offer offer : framework.offers().values()) {
        offered.merge(Usage.offerRole(framework, offer), Usage.offerResources(framework, offer), Resources::plus);
      }
    }
    Map<String, Resources> reserved = new TreeMap<>();
    for (Agent agent : master.agents().values()) {
      for (dev.vmesos.api.v1.Protos.Resource resource : agent.total().reserved()) {
        reserved.merge(Resources.role(resource), Resources.of(resource), Resources::plus);
      }
    }
    Set<String> names = new TreeSet<>(allocator.roleNames());
    names.addAll(frameworksByRole.keySet());
    names.addAll(weights.keySet());
    names.addAll(quotas.keySet());
    names.addAll(reserved.keySet());
    names.addAll(allocated.keySet());
    JsonArray roles = new JsonArray();
    for (String name : names) {
      Resources roleAllocated = allocated.getOrDefault(name, Resources.empty());
      Resources roleOffered = offered.getOrDefault(name, Resources.empty());
      Resources roleReserved = reserved.getOrDefault(name, Resources.empty());
      Quota quota = quotas.getOrDefault(name, Quota.NONE);
      JsonObject quotaJson = new JsonObject()
          .put("role", name)
          .put("guarantee", quantities(quota.guarantees()))
          .put("limit", quantities(quota.limits()))
          // As Mesos: what counts against the quota is the role's reservations and its unreserved allocation.
          .put("consumed", quantities(roleReserved.plus(roleAllocated.unreserved()).scalars()));
      roles.add(new JsonObject()
          .put("name", name)
          .put("weight", weights.getOrDefault(name, 1.0))
          .put("quota", quotaJson)
          .put("resources", quantities(roleAllocated.plus(roleOffered).scalars()))
          .put("allocated", quantities(roleAllocated.scalars()))
          .put("offered", quantities(roleOffered.scalars()))
          .put("reserved", quantities(roleReserved.scalars()))
          .put("frameworks", new JsonArray(List.copyOf(frameworksByRole.getOrDefault(name, Set.of())))));
    }
    OperatorApi.respondJson(ctx, new JsonObject().put("roles", roles));
  }

  /** Mesos's {@code ResourceQuantities} JSON: each named quantity as a number, names sorted. */
  private static JsonObject quantities(Map<String, Double> quantities) {
    JsonObject json = new JsonObject();
    new TreeMap<>(quantities).forEach((name, value) -> json.put(name, ResourcesJson.round(value)));
    return json;
  }

  /** {@code GET /quota}: the {@code QuotaStatus} (configs, and infos for old clients) as Mesos's JSON. */
  private static void quota(OperatorApi api, RoutingContext ctx) {
    OperatorApi.respondJsonText(ctx, MesosJson.print(api.operatorState().quota()));
  }

  /** {@code GET /weights}: a JSON array of {@code WeightInfo}, the weights that were set. */
  private static void weights(OperatorApi api, RoutingContext ctx) {
    StringBuilder text = new StringBuilder("[");
    for (WeightInfo info : api.operatorState().weights().getWeightInfosList()) {
      if (text.length() > 1) {
        text.append(',');
      }
      text.append(MesosJson.print(info));
    }
    OperatorApi.respondJsonText(ctx, text.append(']').toString());
  }

  /**
   * {@code PUT /weights} with a JSON array of {@code WeightInfo}: UPDATE_WEIGHTS, all or nothing,
   * answered 200 once durable; 400 for a body that is not such an array or a bad weight, 403 when
   * the {@code update_weights} ACL refuses a role.
   */
  private static void updateWeights(OperatorApi api, RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    Call.UpdateWeights.Builder update = Call.UpdateWeights.newBuilder();
    try {
      JsonArray array = new JsonArray(body == null ? Buffer.buffer() : body);
      for (Object element : array) {
        if (!(element instanceof JsonObject object)) {
          throw new IllegalArgumentException("every element must be a JSON object");
        }
        update.addWeightInfos(MesosJson.parse(object.encode(), WeightInfo.getDefaultInstance()));
      }
    } catch (MesosJsonException | IllegalArgumentException | io.vertx.core.json.DecodeException
             | ClassCastException e) {
      Responses.text(ctx.response(), 400, "Failed to parse update weights request JSON: " + e.getMessage());
      return;
    }
    Call call = Call.newBuilder().setType(Call.Type.UPDATE_WEIGHTS).setUpdateWeights(update).build();
    String principal = HttpAuthGuard.principal(ctx);
    OperatorResult refusal = api.authorization().refusal(call, principal);
    OperatorResult result = refusal != null ? refusal : api.calls().handle(call);
    if (!result.isSuccess()) {
      Responses.text(ctx.response(), result.status(), result.message());
      return;
    }
    Future.fromCompletionStage(api.calls().durable(), io.vertx.core.Vertx.currentContext()).onComplete(durable -> {
      if (durable.succeeded()) {
        ctx.response().setStatusCode(200).end();
      } else {
        LOG.warn("PUT /weights applied but not made durable: {}", durable.cause().toString());
        Responses.text(ctx.response(), 503, "Failed to persist the change in the registry: "
            + durable.cause().getMessage());
      }
    });
  }
}
