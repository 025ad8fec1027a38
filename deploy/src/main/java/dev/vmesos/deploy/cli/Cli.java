package dev.vmesos.deploy.cli;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import dev.vmesos.client.ClientSecurity;
import dev.vmesos.client.MasterAddress;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The operator's command line, in the spirit of the mesos CLI: {@code vmesos agent list},
 * {@code framework list [--all]}, {@code task list [--all]}, {@code task log TASK [--follow]
 * [--stderr]} and {@code task kill TASK}. Everything comes from the leading master's operator API
 * ({@code GET_STATE}, {@code GET_TASKS}, {@code GET_METRICS}), a task's output from its agent's
 * {@code /files/read} (the sandbox is Mesos's {@code <work_dir>/slaves/<agent>/frameworks/<framework>
 * /executors/<executor>/runs/latest}, the work dir from the agent's {@code /flags}), and a kill goes
 * through vmesos's {@code POST /master/kill_task}, so the framework sees TASK_KILLED as if it had
 * killed the task itself. Tables for people, {@code --json} for programs. Exit codes: 0 done, 1 a
 * failure said in one line (no such task, master unreachable, refused), 2 a bad command or flag.
 */
public final class Cli {

  static final String USAGE = """
      usage: vmesos agent list                      the agents, their resources and what is used of them
             vmesos framework list [--all]          the frameworks (--all: with completed ones) and their DRF shares
             vmesos task list [--all]               the tasks (--all: with completed and unreachable ones)
             vmesos task log TASK [--follow] [--stderr]
                                                    the task's stdout (or stderr) from its sandbox; --follow
                                                    prints new output until the task ends (or Ctrl-C)
             vmesos task kill TASK                  kill a task; its framework gets TASK_KILLED
      flags: --master=HOST:PORT[,HOST:PORT...]       the masters (default 127.0.0.1:5050); the leader is found
                                                    through any of them; https://HOST:PORT for TLS
             --principal=NAME --secret=SECRET       HTTP Basic credentials (or VMESOS_PRINCIPAL, VMESOS_SECRET;
                                                    --credential=FILE), --ca_file=PEM for https masters
             --framework=ID                         for task log/kill: when several frameworks use the task id
             --json                                 machine-readable output
             --poll_interval=1secs                  how often task log --follow looks for new output
             --timeout=30secs                       how long task kill waits for the task to end
      """;

  /** Flags that take a value, so that {@code --master 127.0.0.1:5050} reads as {@code --master=...}. */
  private static final Set<String> VALUE_FLAGS = Set.of("master", "principal", "secret", "credential", "ca_file",
      "framework", "poll_interval", "timeout");
  private static final String DEFAULT_MASTER = "127.0.0.1:5050";
  private static final int READ_LENGTH = 64 * 1024;

  private final PrintStream out;
  private final ClusterApi api;
  private final boolean json;
  private final boolean all;
  private final boolean follow;
  private final boolean stderr;
  private final String framework;
  private final Duration pollInterval;
  private final Duration timeout;

  private Cli(PrintStream out, ClusterApi api, Flags flags) {
    this.out = out;
    this.api = api;
    this.json = flags.bool("json", false);
    this.all = flags.bool("all", false);
    this.follow = flags.bool("follow", false);
    this.stderr = flags.bool("stderr", false);
    this.framework = flags.optional("framework").orElse(null);
    this.pollInterval = flags.duration("poll_interval", Duration.ofSeconds(1));
    this.timeout = flags.duration("timeout", Duration.ofSeconds(30));
  }

  /** Whether {@code args} ({@code agent list ...}) is a CLI command rather than {@code vmesos agent}'s flags. */
  public static boolean isCommand(String[] args) {
    if (args.length == 0) {
      return false;
    }
    return switch (args[0]) {
      case "framework", "task" -> true;
      case "agent" -> args.length > 1 && !args[1].startsWith("--");
      default -> false;
    };
  }

  /** Runs {@code args} (e.g. {@code task list --all}); returns the exit code. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    List<String> words = new ArrayList<>();
    List<String> flagArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.startsWith("--")) {
        String name = arg.substring(2).replace('-', '_');
        if (!arg.contains("=") && VALUE_FLAGS.contains(name) && i + 1 < args.length) {
          arg = arg + "=" + args[++i];
        }
        flagArgs.add(arg);
      } else {
        words.add(arg);
      }
    }
    String command = String.join(" ", words.subList(0, Math.min(2, words.size())));
    if (flagArgs.contains("--help") || flagArgs.contains("-h")) {
      out.print(USAGE);
      return 0;
    }
    List<String> operands = words.subList(Math.min(2, words.size()), words.size());
    int operandsExpected = switch (command) {
      case "agent list", "framework list", "task list" -> 0;
      case "task log", "task kill" -> 1;
      default -> -1;
    };
    if (operandsExpected < 0) {
      err.println("vmesos: unknown command '" + String.join(" ", words) + "'\n" + USAGE);
      return 2;
    }
    if (operands.size() != operandsExpected) {
      err.println("vmesos " + command + ": " + (operandsExpected == 0 ? "takes no argument, got " + operands
          : "needs one task id, got " + (operands.isEmpty() ? "none" : operands)) + "\n" + USAGE);
      return 2;
    }
    List<MasterAddress> masters;
    ClientSecurity security;
    Flags flags;
    try {
      flags = Flags.parse(flagArgs.toArray(String[]::new), env);
      try {
        masters = MasterAddress.parseList(flags.string("master", DEFAULT_MASTER));
      } catch (IllegalArgumentException e) {
        throw new FlagException("Flag '--master': " + e.getMessage());
      }
      security = ClientSecurity.fromFlags(flags, env);
    } catch (FlagException e) {
      err.println("vmesos " + command + ": " + e.getMessage());
      return 2;
    }
    try (ClusterApi api = new ClusterApi(masters, security)) {
      Cli cli;
      try {
        cli = new Cli(out, api, flags);
        flags.rejectUnknown();
      } catch (FlagException e) {
        err.println("vmesos " + command + ": " + e.getMessage());
        return 2;
      }
      switch (command) {
        case "agent list" -> cli.agentList();
        case "framework list" -> cli.frameworkList();
        case "task list" -> cli.taskList();
        case "task log" -> cli.taskLog(operands.get(0));
        case "task kill" -> cli.taskKill(operands.get(0));
        default -> throw new IllegalStateException(command);
      }
      out.flush();
      return 0;
    } catch (CliException e) {
      out.flush();
      err.println("vmesos " + command + ": " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // agent list

  private void agentList() throws CliException {
    JsonArray agents = api.call("GET_AGENTS").getJsonObject("get_agents", new JsonObject())
        .getJsonArray("agents", new JsonArray());
    List<JsonObject> sorted = objects(agents);
    sorted.sort(Comparator.comparing(a -> hostPort(a.getJsonObject("agent_info"))));
    if (json) {
      JsonArray result = new JsonArray();
      for (JsonObject agent : sorted) {
        JsonObject info = agent.getJsonObject("agent_info");
        result.add(new JsonObject()
            .put("id", id(info, "id"))
            .put("hostname", info.getString("hostname"))
            .put("port", info.getInteger("port", 5051))
            .put("active", agent.getBoolean("active", false))
            .put("resources", scalars(agent.getJsonArray("total_resources")))
            .put("allocated", scalars(agent.getJsonArray("allocated_resources")))
            .put("offered", scalars(agent.getJsonArray("offered_resources"))));
      }
      out.println(result.encodePrettily());
      return;
    }
    Table table = new Table("ID", "ADDRESS", "ACTIVE", "CPUS (USED/TOTAL)", "MEM MB (USED/TOTAL)",
        "DISK MB (USED/TOTAL)");
    for (JsonObject agent : sorted) {
      Map<String, Double> total = scalars(agent.getJsonArray("total_resources"));
      Map<String, Double> used = scalars(agent.getJsonArray("allocated_resources"));
      table.row(id(agent.getJsonObject("agent_info"), "id"), hostPort(agent.getJsonObject("agent_info")),
          agent.getBoolean("active", false) ? "yes" : "no", usedOf(used, total, "cpus"), usedOf(used, total, "mem"),
          usedOf(used, total, "disk"));
    }
    print(table, "agents");
  }

  // ---------------------------------------------------------------------------------------------
  // framework list

  private void frameworkList() throws CliException {
    JsonObject state = api.call("GET_STATE").getJsonObject("get_state", new JsonObject());
    JsonObject frameworks = state.getJsonObject("get_frameworks", new JsonObject());
    Map<String, Integer> tasks = new TreeMap<>();
    for (JsonObject task : objects(state.getJsonObject("get_tasks", new JsonObject()).getJsonArray("tasks"))) {
      tasks.merge(id(task, "framework_id"), 1, Integer::sum);
    }
    Map<String, Double> metrics = metrics();
    List<JsonObject> rows = new ArrayList<>();
    for (JsonObject f : objects(frameworks.getJsonArray("frameworks"))) {
      rows.add(frameworkRow(f, false, tasks, metrics));
    }
    if (all) {
      for (JsonObject f : objects(frameworks.getJsonArray("completed_frameworks"))) {
        rows.add(frameworkRow(f, true, tasks, metrics));
      }
    }
    rows.sort(Comparator.comparing((JsonObject r) -> r.getString("name", "")).thenComparing(r -> r.getString("id")));
    if (json) {
      out.println(new JsonArray(new ArrayList<>(rows)).encodePrettily());
      return;
    }
    Table table = new Table("ID", "NAME", "ROLE", "STATE", "TASKS", "CPUS", "MEM MB", "DOMINANT SHARE");
    for (JsonObject r : rows) {
      Map<String, Object> used = r.getJsonObject("allocated").getMap();
      table.row(r.getString("id"), r.getString("name"), String.join(",", r.getJsonArray("roles").stream()
              .map(Object::toString).toList()), r.getString("state"), r.getInteger("tasks"),
          number(used.get("cpus")), number(used.get("mem")),
          r.getValue("dominant_share") == null ? "-" : String.format(Locale.ROOT, "%.3f", r.getDouble("dominant_share")));
    }
    print(table, "frameworks");
  }

  private static JsonObject frameworkRow(JsonObject framework, boolean completed, Map<String, Integer> tasks,
                                         Map<String, Double> metrics) {
    JsonObject info = framework.getJsonObject("framework_info", new JsonObject());
    String id = id(info, "id");
    JsonArray roles = info.getJsonArray("roles", new JsonArray());
    if (roles.isEmpty()) {
      roles = new JsonArray().add(info.getString("role", "*"));
    }
    String state = completed ? "completed" : framework.getBoolean("active", false) ? "active"
        : framework.getBoolean("connected", false) ? "inactive" : "disconnected";
    return new JsonObject()
        .put("id", id)
        .put("name", info.getString("name", ""))
        .put("roles", roles)
        .put("principal", info.getString("principal"))
        .put("state", state)
        .put("tasks", completed ? 0 : tasks.getOrDefault(id, 0))
        .put("allocated", new JsonObject(new LinkedHashMap<>(scalars(framework.getJsonArray("allocated_resources")))))
        .put("dominant_share", metrics.get("allocator/mesos/frameworks/" + id + "/shares/dominant"));
  }

  private Map<String, Double> metrics() throws CliException {
    Map<String, Double> metrics = new TreeMap<>();
    JsonArray list = api.call("GET_METRICS").getJsonObject("get_metrics", new JsonObject())
        .getJsonArray("metrics", new JsonArray());
    for (JsonObject metric : objects(list)) {
      metrics.put(metric.getString("name"), metric.getDouble("value", 0.0));
    }
    return metrics;
  }

  // ---------------------------------------------------------------------------------------------
  // task list

  private void taskList() throws CliException {
    JsonObject state = api.call("GET_STATE").getJsonObject("get_state", new JsonObject());
    Map<String, String> frameworkNames = new TreeMap<>();
    JsonObject frameworks = state.getJsonObject("get_frameworks", new JsonObject());
    for (String key : List.of("frameworks", "completed_frameworks")) {
      for (JsonObject f : objects(frameworks.getJsonArray(key))) {
        JsonObject info = f.getJsonObject("framework_info", new JsonObject());
        frameworkNames.put(id(info, "id"), info.getString("name", ""));
      }
    }
    Map<String, String> agents = new TreeMap<>();
    for (JsonObject a : objects(state.getJsonObject("get_agents", new JsonObject()).getJsonArray("agents"))) {
      agents.put(id(a.getJsonObject("agent_info"), "id"), hostPort(a.getJsonObject("agent_info")));
    }
    JsonObject tasks = state.getJsonObject("get_tasks", new JsonObject());
    List<JsonObject> rows = new ArrayList<>();
    for (String key : all ? List.of("tasks", "unreachable_tasks", "completed_tasks") : List.of("tasks")) {
      for (JsonObject task : objects(tasks.getJsonArray(key))) {
        String frameworkId = id(task, "framework_id");
        String agentId = id(task, "agent_id");
        rows.add(new JsonObject()
            .put("id", id(task, "task_id"))
            .put("name", task.getString("name", ""))
            .put("framework_id", frameworkId)
            .put("framework", frameworkNames.get(frameworkId))
            .put("agent_id", agentId)
            .put("agent", agents.get(agentId))
            .put("state", task.getString("state"))
            .put("resources", new JsonObject(new LinkedHashMap<>(scalars(task.getJsonArray("resources"))))));
      }
    }
    rows.sort(Comparator.comparing((JsonObject r) -> String.valueOf(r.getString("framework")))
        .thenComparing(r -> r.getString("id"), Cli::natural));
    if (json) {
      out.println(new JsonArray(new ArrayList<>(rows)).encodePrettily());
      return;
    }
    Table table = new Table("ID", "NAME", "FRAMEWORK", "AGENT", "STATE", "CPUS", "MEM MB");
    for (JsonObject r : rows) {
      Map<String, Object> resources = r.getJsonObject("resources").getMap();
      table.row(r.getString("id"), r.getString("name"), r.getString("framework"), r.getString("agent"),
          r.getString("state"), number(resources.get("cpus")), number(resources.get("mem")));
    }
    print(table, "tasks");
  }

  // ---------------------------------------------------------------------------------------------
  // task log and task kill

  /** A task the master knows, with where it runs. */
  private record Found(JsonObject task, boolean live, JsonObject agent) {

    String taskId() {
      return id(task, "task_id");
    }

    String frameworkId() {
      return id(task, "framework_id");
    }

    String state() {
      return task.getString("state");
    }
  }

  /** Finds the task among the live (then the unreachable and completed) tasks; one, or a clear error. */
  private Found find(String taskId, boolean liveOnly) throws CliException {
    JsonObject state = api.call("GET_STATE").getJsonObject("get_state", new JsonObject());
    JsonObject tasks = state.getJsonObject("get_tasks", new JsonObject());
    List<Found> matches = new ArrayList<>();
    for (String key : List.of("tasks", "unreachable_tasks", "completed_tasks")) {
      for (JsonObject task : objects(tasks.getJsonArray(key))) {
        if (id(task, "task_id").equals(taskId) && (framework == null || id(task, "framework_id").equals(framework))) {
          matches.add(new Found(task, key.equals("tasks"), null));
        }
      }
      if (!matches.isEmpty()) {
        break;   // a live task wins over an old one with the same id
      }
    }
    if (matches.isEmpty() || (liveOnly && !matches.get(0).live())) {
      throw new CliException("no " + (liveOnly ? "live " : "") + "task '" + taskId + "'"
          + (framework == null ? "" : " of framework " + framework) + " on the master at " + api.leader()
          + " (see ./vmesos task list" + (liveOnly ? "" : " --all") + ")");
    }
    if (matches.size() > 1) {
      throw new CliException("task id '" + taskId + "' is used by frameworks " + matches.stream()
          .map(Found::frameworkId).toList() + ": give --framework=ID");
    }
    Found found = matches.get(0);
    String agentId = id(found.task(), "agent_id");
    for (JsonObject agent : objects(state.getJsonObject("get_agents", new JsonObject()).getJsonArray("agents"))) {
      if (id(agent.getJsonObject("agent_info"), "id").equals(agentId)) {
        return new Found(found.task(), found.live(), agent.getJsonObject("agent_info"));
      }
    }
    return found;
  }

  private void taskLog(String taskId) throws CliException, InterruptedException {
    Found found = find(taskId, false);
    if (found.agent() == null) {
      throw new CliException("task '" + taskId + "' ran on agent " + id(found.task(), "agent_id")
          + ", which is not registered with the master now: its sandbox cannot be read");
    }
    String host = found.agent().getString("hostname");
    int port = found.agent().getInteger("port", 5051);
    JsonObject flags = api.agentGet(host, port, "/flags");
    String workDir = flags == null ? null : flags.getJsonObject("flags", new JsonObject()).getString("work_dir");
    if (workDir == null) {
      throw new CliException("the agent at " + host + ":" + port + " does not tell its work_dir (GET /flags)");
    }
    String executorId = found.task().containsKey("executor_id") ? id(found.task(), "executor_id") : taskId;
    String file = stderr ? "stderr" : "stdout";
    String path = workDir + "/slaves/" + id(found.agent(), "id") + "/frameworks/" + found.frameworkId()
        + "/executors/" + executorId + "/runs/latest/" + file;
    long offset = 0;
    boolean ended = !found.live() || isTerminal(found.state());
    while (true) {
      JsonObject chunk = api.agentGet(host, port, "/files/read?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8)
          + "&offset=" + offset + "&length=" + READ_LENGTH);
      String data = chunk == null ? "" : chunk.getString("data", "");
      if (chunk == null && !follow) {
        throw new CliException("task '" + taskId + "' has no " + file + " in its sandbox on " + host + ":" + port
            + " (" + path + ")");
      }
      if (!data.isEmpty()) {
        out.print(data);
        out.flush();
        offset += data.getBytes(StandardCharsets.UTF_8).length;
        continue;
      }
      if (!follow || ended) {
        return;
      }
      Thread.sleep(pollInterval.toMillis());
      // One more read after the task ended: what it wrote last.
      ended = taskEnded(found);
    }
  }

  private boolean taskEnded(Found found) throws CliException {
    JsonObject tasks = api.call("GET_TASKS").getJsonObject("get_tasks", new JsonObject());
    for (JsonObject task : objects(tasks.getJsonArray("tasks"))) {
      if (id(task, "task_id").equals(found.taskId()) && id(task, "framework_id").equals(found.frameworkId())) {
        return isTerminal(task.getString("state"));
      }
    }
    return true;   // no longer live
  }

  private void taskKill(String taskId) throws CliException, InterruptedException {
    Found found = find(taskId, true);
    if (isTerminal(found.state())) {
      throw new CliException("task '" + taskId + "' is already " + found.state());
    }
    api.killTask(taskId, found.frameworkId());
    // Wait for the outcome the framework sees: the master's state of the task.
    long deadline = System.nanoTime() + timeout.toNanos();
    String state = found.state();
    while (true) {
      JsonObject tasks = api.call("GET_TASKS").getJsonObject("get_tasks", new JsonObject());
      String now = null;
      for (String key : List.of("tasks", "completed_tasks")) {
        for (JsonObject task : objects(tasks.getJsonArray(key))) {
          if (id(task, "task_id").equals(taskId) && id(task, "framework_id").equals(found.frameworkId())) {
            now = task.getString("state");
          }
        }
      }
      if (now == null || isTerminal(now)) {
        report(taskId, found.frameworkId(), now);
        return;
      }
      state = now;
      if (System.nanoTime() > deadline) {
        throw new CliException("asked the master to kill task '" + taskId + "', but it is still " + state + " after "
            + timeout.toSeconds() + " s");
      }
      Thread.sleep(Math.min(200, pollInterval.toMillis()));
    }
  }

  private void report(String taskId, String frameworkId, String state) {
    if (json) {
      out.println(new JsonObject().put("task_id", taskId).put("framework_id", frameworkId).put("state", state)
          .encodePrettily());
    } else if (state == null) {
      out.println("Killed task " + taskId + " of framework " + frameworkId + " (the master no longer lists it)");
    } else {
      out.println("Killed task " + taskId + " of framework " + frameworkId + ": " + state);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  private void print(Table table, String what) {
    if (table.size() == 0) {
      out.println("No " + what + ".");
    } else {
      table.print(out);
    }
  }

  private static boolean isTerminal(String state) {
    return state != null && Set.of("TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_ERROR",
        "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR").contains(state);
  }

  private static List<JsonObject> objects(JsonArray array) {
    List<JsonObject> list = new ArrayList<>();
    if (array != null) {
      for (int i = 0; i < array.size(); i++) {
        list.add(array.getJsonObject(i));
      }
    }
    return list;
  }

  /** {@code {"value": "..."}} fields: Mesos's ids. */
  private static String id(JsonObject object, String field) {
    JsonObject id = object == null ? null : object.getJsonObject(field);
    return id == null ? "" : id.getString("value", "");
  }

  private static String hostPort(JsonObject agentInfo) {
    return agentInfo.getString("hostname", "?") + ":" + agentInfo.getInteger("port", 5051);
  }

  /** Scalar resources summed by name (over roles and reservations). */
  private static Map<String, Double> scalars(JsonArray resources) {
    Map<String, Double> sums = new TreeMap<>();
    for (JsonObject r : objects(resources)) {
      if ("SCALAR".equals(r.getString("type")) && r.getJsonObject("scalar") != null) {
        sums.merge(r.getString("name"), r.getJsonObject("scalar").getDouble("value", 0.0), Double::sum);
      }
    }
    return sums;
  }

  private static String usedOf(Map<String, Double> used, Map<String, Double> total, String name) {
    return number(used.getOrDefault(name, 0.0)) + " / " + number(total.getOrDefault(name, 0.0));
  }

  private static String number(Object value) {
    if (!(value instanceof Number n)) {
      return "-";
    }
    double d = n.doubleValue();
    return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.2f", d).replaceAll("0$", "");
  }

  /** Orders {@code A-2} before {@code A-10}: runs of digits compare as numbers. */
  static int natural(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char x = a.charAt(i);
      char y = b.charAt(j);
      if (Character.isDigit(x) && Character.isDigit(y)) {
        int si = i;
        int sj = j;
        while (i < a.length() && Character.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
          j++;
        }
        String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
        String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
        int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
        if (c != 0) {
          return c;
        }
      } else {
        if (x != y) {
          return Character.compare(x, y);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
