package dev.vmesos.master.state;

import static dev.vmesos.master.state.TestResources.ports;
import static dev.vmesos.master.state.TestResources.scalar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import dev.vmesos.api.internal.Internal.KillTask;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.Filters;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.OfferID;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskGroupInfo;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.Value;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.master.allocator.MutableClock;
import dev.vmesos.master.state.MasterTest.FakeEffects;
import dev.vmesos.master.state.MasterTest.RecordingSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The master core under random scheduler calls and agent updates, valid and invalid, checking after
 * every one that nothing threw and that no resource was lost or made up: on every agent, what is
 * offered, what live tasks hold and what the allocator has free add up to the agent's total.
 */
class MasterRandomCallsTest {

  private static final int CALLS = 10_000;
  private static final String AGENT_RESOURCES = "cpus:4;mem:1024;disk:2048;ports:[31000-31999]";

  private final MutableClock clock = new MutableClock();
  private final FakeEffects effects = new FakeEffects();
  private final List<RecordingSink> sinks = new ArrayList<>();
  private final List<String> frameworkIds = new ArrayList<>();
  private final List<String> agentIds = new ArrayList<>();
  private Master master;
  private Random random;
  private int nextTask;
  private int killsSeen;
  private Call lastCall;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 7, 2024})
  void resourcesAddUpAfterEveryCall(long seed) {
    random = new Random(seed);
    MasterInfo info = MasterInfo.newBuilder().setId("m").setIp(16777343).setPort(5050).build();
    master = new Master(info, Duration.ofSeconds(15), Duration.ofSeconds(15), clock, effects);
    for (int i = 0; i < 3; i++) {
      agentIds.add(agent(AGENT_RESOURCES));
    }
    subscribe(FrameworkInfo.newBuilder().setUser("u").setName("star").build());
    subscribe(FrameworkInfo.newBuilder().setUser("u").setName("web").setRole("web").build());
    subscribe(FrameworkInfo.newBuilder().setUser("u").setName("multi").addRoles("web").addRoles("batch")
        .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.MULTI_ROLE))
        .addCapabilities(FrameworkInfo.Capability.newBuilder()
            .setType(FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT))
        .build());
    effects.runTimers();
    checkInvariant(seed, -1, "setup");

    for (int step = 0; step < CALLS; step++) {
      String description;
      try {
        description = randomStep();
      } catch (RuntimeException | AssertionError e) {
        throw new AssertionError("seed " + seed + ", step " + step + ": " + e.getMessage() + "\nlast call: "
            + lastCall, e);
      }
      checkInvariant(seed, step, description);
    }
    assertThat(killsSeen).as("the run exercised kills").isPositive();
  }

  // ---- one random step ------------------------------------------------------------------------

  private String randomStep() {
    int framework = random.nextInt(sinks.size());
    int dice = random.nextInt(100);
    if (dice < 40) {
      return accept(framework);
    } else if (dice < 48) {
      return decline(framework);
    } else if (dice < 56) {
      return kill(framework);
    } else if (dice < 75) {
      return statusUpdate();
    } else if (dice < 85) {
      clock.advance(Duration.ofMillis(random.nextInt(3000)));
      effects.runTimers();
      master.allocate();
      return "allocation round";
    } else if (dice < 90) {
      expectAccepted(call(framework, Call.newBuilder().setType(Call.Type.REVIVE)));
      return "revive";
    } else if (dice < 93) {
      expectAccepted(call(framework, Call.newBuilder().setType(Call.Type.SUPPRESS)));
      return "suppress";
    } else {
      return acknowledge(framework);
    }
  }

  private String accept(int framework) {
    List<String> own = new ArrayList<>(offers(framework).keySet());
    Call.Accept.Builder accept = Call.Accept.newBuilder();
    int choice = random.nextInt(20);
    Offer offer = null;
    if (choice == 0) {
      accept.addOfferIds(OfferID.newBuilder().setValue("bogus-" + random.nextInt(5)));
    } else if (choice == 1) {
      // Another framework's offer.
      List<String> others = new ArrayList<>(offers((framework + 1) % sinks.size()).keySet());
      if (!others.isEmpty()) {
        String id = others.get(random.nextInt(others.size()));
        offer = offers((framework + 1) % sinks.size()).get(id);
        accept.addOfferIds(offer.getId());
      }
    } else if (choice == 2 && own.size() > 1) {
      // Two offers, maybe of different agents.
      offer = offers(framework).get(own.get(0));
      accept.addOfferIds(offer.getId()).addOfferIds(OfferID.newBuilder().setValue(own.get(1)));
    } else if (!own.isEmpty()) {
      offer = offers(framework).get(own.get(random.nextInt(own.size())));
      accept.addOfferIds(offer.getId());
    }
    String agentId = offer != null ? offer.getAgentId().getValue() : agentIds.get(random.nextInt(agentIds.size()));
    List<Resource> offered = offer != null ? offer.getResourcesList()
        : ResourcesParser.parse(AGENT_RESOURCES).toList();
    int operations = 1 + random.nextInt(3);
    List<String> kinds = new ArrayList<>();
    for (int i = 0; i < operations; i++) {
      int kind = random.nextInt(10);
      if (kind < 5) {
        accept.addOperations(launch(agentId, offered, framework));
        kinds.add("LAUNCH");
      } else if (kind < 7) {
        accept.addOperations(launchGroup(agentId, offered));
        kinds.add("LAUNCH_GROUP");
      } else if (kind < 9) {
        accept.addOperations(reserve(offered, framework));
        kinds.add("RESERVE");
      } else {
        accept.addOperations(unreserve(offered, framework));
        kinds.add("UNRESERVE");
      }
    }
    if (random.nextBoolean()) {
      accept.setFilters(Filters.newBuilder().setRefuseSeconds(random.nextInt(3)));
    }
    Call.Accept built = accept.build();
    expectAccepted(call(framework, Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(built)));
    return "ACCEPT " + kinds + " of offers " + built.getOfferIdsList().stream().map(OfferID::getValue).toList()
        + ": " + built.getOperationsList();
  }

  private Offer.Operation launch(String agentId, List<Resource> offered, int framework) {
    Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
    int tasks = 1 + random.nextInt(2);
    for (int i = 0; i < tasks; i++) {
      TaskInfo.Builder task = TaskInfo.newBuilder().setName("t")
          .setTaskId(TaskID.newBuilder().setValue(taskId()))
          .setAgentId(AgentID.newBuilder().setValue(random.nextInt(15) == 0
              ? agentIds.get(random.nextInt(agentIds.size())) : agentId))
          .addAllResources(someOf(offered));
      if (random.nextInt(4) == 0) {
        // One executor per framework, charged once per agent; its resources may be invalid too.
        task.setExecutor(ExecutorInfo.newBuilder()
            .setExecutorId(ExecutorID.newBuilder().setValue("executor-" + framework))
            .setCommand(CommandInfo.newBuilder().setValue("executor"))
            .addAllResources(random.nextInt(10) == 0 ? List.of(invalid()) : List.of(scalar("cpus", 0.1))));
      } else {
        task.setCommand(CommandInfo.newBuilder().setValue("true"));
      }
      launch.addTaskInfos(task);
    }
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH).setLaunch(launch).build();
  }

  private Offer.Operation launchGroup(String agentId, List<Resource> offered) {
    ExecutorInfo.Builder executor = ExecutorInfo.newBuilder().setType(ExecutorInfo.Type.DEFAULT)
        .setExecutorId(ExecutorID.newBuilder().setValue("group-" + random.nextInt(1_000_000)))
        .addAllResources(random.nextInt(8) == 0 ? List.of(invalid()) : List.of(scalar("cpus", 0.1), scalar("mem", 32)));
    TaskGroupInfo.Builder group = TaskGroupInfo.newBuilder();
    int tasks = 1 + random.nextInt(3);
    for (int i = 0; i < tasks; i++) {
      group.addTasks(TaskInfo.newBuilder().setName("g").setTaskId(TaskID.newBuilder().setValue(taskId()))
          .setAgentId(AgentID.newBuilder().setValue(agentId))
          .setCommand(CommandInfo.newBuilder().setValue("true"))
          .addAllResources(someOf(offered)));
    }
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH_GROUP)
        .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder().setExecutor(executor).setTaskGroup(group))
        .build();
  }

  private Offer.Operation reserve(List<Resource> offered, int framework) {
    List<Resource> resources = new ArrayList<>();
    String role = frameworkRole(framework);
    for (Resource resource : someOf(unreserved(offered))) {
      resources.add(resource.toBuilder().clearRole().clearReservation()
          .addReservations(Resource.ReservationInfo.newBuilder()
              .setType(Resource.ReservationInfo.Type.DYNAMIC).setRole(role).setPrincipal("p"))
          .build());
    }
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.RESERVE)
        .setReserve(Offer.Operation.Reserve.newBuilder().addAllResources(resources)).build();
  }

  private Offer.Operation unreserve(List<Resource> offered, int framework) {
    List<Resource> reserved = new ArrayList<>();
    for (Resource resource : offered) {
      if (!Resources.role(resource).equals("*")) {
        reserved.add(resource);
      }
    }
    List<Resource> resources = reserved.isEmpty() || random.nextInt(5) == 0
        ? List.of(scalar("cpus", 1).toBuilder().addReservations(Resource.ReservationInfo.newBuilder()
            .setType(Resource.ReservationInfo.Type.DYNAMIC).setRole(frameworkRole(framework))).build())
        : someOf(reserved);
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.UNRESERVE)
        .setUnreserve(Offer.Operation.Unreserve.newBuilder().addAllResources(resources)).build();
  }

  private String decline(int framework) {
    Call.Decline.Builder decline = Call.Decline.newBuilder();
    for (String id : offers(framework).keySet()) {
      if (random.nextBoolean()) {
        decline.addOfferIds(OfferID.newBuilder().setValue(id));
      }
    }
    if (random.nextInt(10) == 0) {
      decline.addOfferIds(OfferID.newBuilder().setValue("bogus"));
    }
    decline.setFilters(Filters.newBuilder().setRefuseSeconds(random.nextInt(3)));
    expectAccepted(call(framework, Call.newBuilder().setType(Call.Type.DECLINE).setDecline(decline)));
    return "DECLINE " + decline.getOfferIdsList().stream().map(OfferID::getValue).toList();
  }

  /** KILL of a task (or an unknown one); the agent answers TASK_KILLED most of the time. */
  private String kill(int framework) {
    List<Task> tasks = new ArrayList<>(tasks(framework));
    TaskID taskId = tasks.isEmpty() || random.nextInt(10) == 0
        ? TaskID.newBuilder().setValue("unknown-" + random.nextInt(3)).build()
        : tasks.get(random.nextInt(tasks.size())).info().getTaskId();
    int before = effects.sent(KillTask.class).size();
    expectAccepted(call(framework, Call.newBuilder().setType(Call.Type.KILL)
        .setKill(Call.Kill.newBuilder().setTaskId(taskId))));
    List<KillTask> kills = effects.sent(KillTask.class);
    if (kills.size() > before && random.nextInt(10) < 7) {
      killsSeen++;
      Task task = master.frameworks().get(frameworkIds.get(framework)).tasks().get(taskId.getValue());
      master.statusUpdate(agentUpdate(frameworkIds.get(framework), task.agentId(), taskId.getValue(),
          TaskState.TASK_KILLED));
    }
    return "KILL " + taskId.getValue();
  }

  /** An agent's update for a task of any framework, possibly after the task ended. */
  private String statusUpdate() {
    int framework = random.nextInt(sinks.size());
    List<Task> tasks = new ArrayList<>(tasks(framework));
    if (tasks.isEmpty()) {
      return "no task to update";
    }
    Task task = tasks.get(random.nextInt(tasks.size()));
    TaskState state = List.of(TaskState.TASK_RUNNING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED,
        TaskState.TASK_FAILED).get(random.nextInt(4));
    master.statusUpdate(agentUpdate(frameworkIds.get(framework), task.agentId(), task.id(), state));
    return "update " + state + " of " + task.id();
  }

  /** Acknowledges a task's latest update, so ended tasks are forgotten as with a real scheduler. */
  private String acknowledge(int framework) {
    List<Task> tasks = new ArrayList<>(tasks(framework));
    Task task = tasks.isEmpty() ? null : tasks.get(random.nextInt(tasks.size()));
    if (task == null || task.latestStatus() == null || !task.latestStatus().hasUuid()) {
      return "nothing to acknowledge";
    }
    expectAccepted(call(framework, Call.newBuilder().setType(Call.Type.ACKNOWLEDGE)
        .setAcknowledge(Call.Acknowledge.newBuilder().setAgentId(AgentID.newBuilder().setValue(task.agentId()))
            .setTaskId(task.info().getTaskId()).setUuid(task.latestStatus().getUuid()))));
    return "ACKNOWLEDGE " + task.id();
  }

  // ---- resources, valid and not -----------------------------------------------------------------

  /**
   * A part of some of the offered resources; one time in five one of them is replaced by an invalid
   * resource, and sometimes a part is more than was offered.
   */
  private List<Resource> someOf(List<Resource> offered) {
    List<Resource> result = new ArrayList<>();
    for (Resource resource : offered) {
      if (random.nextInt(3) == 0) {
        continue;
      }
      if (resource.getType() == Value.Type.SCALAR) {
        double most = resource.getScalar().getValue() * (random.nextInt(12) == 0 ? 2 : 0.5);
        double value = Math.max(0.1, Math.floor(most * random.nextDouble() * 10) / 10);
        result.add(resource.toBuilder().setScalar(Value.Scalar.newBuilder().setValue(value)).build());
      } else if (resource.getType() == Value.Type.RANGES && resource.getRanges().getRangeCount() > 0) {
        Value.Range first = resource.getRanges().getRange(0);
        long port = first.getBegin() + random.nextInt((int) Math.min(50, first.getEnd() - first.getBegin() + 1));
        result.add(resource.toBuilder().setRanges(Value.Ranges.newBuilder()
            .addRange(Value.Range.newBuilder().setBegin(port).setEnd(port))).build());
      }
    }
    if (random.nextInt(5) == 0) {
      Resource bad = invalid();
      if (result.isEmpty()) {
        result.add(bad);
      } else {
        result.set(random.nextInt(result.size()), bad);
      }
    }
    return result;
  }

  private Resource invalid() {
    return switch (random.nextInt(10)) {
      case 0 -> scalar("cpus", -1);
      case 1 -> scalar("mem", Double.NaN);
      case 2 -> scalar("cpus", Double.POSITIVE_INFINITY);
      case 3 -> scalar("disk", Double.NEGATIVE_INFINITY);
      case 4 -> ports(31010, 31005);
      case 5 -> ports(65530, 70000);
      case 6 -> ports(-5, -1);
      case 7 -> scalar("ports", 3);
      case 8 -> scalar("mem", 1e300);
      default -> Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR).build();
    };
  }

  private static List<Resource> unreserved(List<Resource> offered) {
    return offered.stream().filter(r -> Resources.role(r).equals("*")).toList();
  }


  // ---- the invariant ----------------------------------------------------------------------------

  private void checkInvariant(long seed, int step, String description) {
    java.util.Map<String, Resources> usedOn = new java.util.HashMap<>();
    java.util.Map<String, Long> usedRangeSizeOn = new java.util.HashMap<>();
    for (Framework framework : master.frameworks().values()) {
      for (Task task : framework.tasks().values()) {
        if (task.holdsResources()) {
          usedOn.merge(task.agentId(), task.resources().unallocated(), Resources::plus);
          usedRangeSizeOn.merge(task.agentId(), rangeSize(task.resources()), Long::sum);
        }
      }
    }
    for (String agentId : agentIds) {
      Agent agent = master.agents().get(agentId);
      assertThat(agent).as("agent %s registered", agentId).isNotNull();
      Resources total = agent.total();
      Resources offered = master.offeredOn(agentId).unallocated();
      Resources used = usedOn.getOrDefault(agentId, Resources.empty());
      long usedRangeSize = usedRangeSizeOn.getOrDefault(agentId, 0L);
      Resources free = master.allocator().agentFree(agentId);
      String context = "seed " + seed + ", step " + step + " (" + description + "), agent " + agentId
          + ": offered " + offered + " + used " + used + " + free " + free + " vs total " + total;
      if (!total.equals(master.allocator().agentTotal(agentId))) {
        fail(context + ": the allocator's total is " + master.allocator().agentTotal(agentId));
      }
      if (!offered.plus(used).plus(free).equals(total)) {
        fail(context + ": they do not add up");
      }
      // Adding ranges is a union: a port held twice shows only in how many ports there are.
      long rangeSizes = rangeSize(master.offeredOn(agentId)) + usedRangeSize + rangeSize(free);
      if (rangeSizes != rangeSize(total)) {
        fail(context + ": " + rangeSizes + " range values are held, of " + rangeSize(total));
      }
    }
  }

  /** How many numbers the ranges resources hold, over all their entries. */
  private static long rangeSize(Resources resources) {
    long size = 0;
    for (Resource resource : resources) {
      if (resource.getType() == Value.Type.RANGES) {
        for (Value.Range range : resource.getRanges().getRangeList()) {
          size += range.getEnd() - range.getBegin() + 1;
        }
      }
    }
    return size;
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  private String agent(String resources) {
    AgentInfo info = AgentInfo.newBuilder().setHostname("host").setPort(5051)
        .addAllResources(ResourcesParser.parse(resources).toList()).build();
    return master.registerAgent(RegisterAgent.newBuilder().setAgentInfo(info).build()).getAgentId().getValue();
  }

  private void subscribe(FrameworkInfo info) {
    RecordingSink sink = new RecordingSink("stream-" + sinks.size());
    master.subscribe(Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info)).build(), sink);
    sinks.add(sink);
    frameworkIds.add(sink.events.get(0).getSubscribed().getFrameworkId().getValue());
  }

  private CallResult call(int framework, Call.Builder call) {
    lastCall = call.setFrameworkId(FrameworkID.newBuilder().setValue(frameworkIds.get(framework))).build();
    return master.call(lastCall, sinks.get(framework).streamId());
  }

  private static void expectAccepted(CallResult result) {
    assertThat(result.status()).as("status of the call (%s)", result.message()).isEqualTo(202);
  }

  private java.util.Map<String, Offer> offers(int framework) {
    return master.frameworks().get(frameworkIds.get(framework)).offers();
  }

  private java.util.Collection<Task> tasks(int framework) {
    return master.frameworks().get(frameworkIds.get(framework)).tasks().values();
  }

  private String frameworkRole(int framework) {
    return master.frameworks().get(frameworkIds.get(framework)).role();
  }

  private String taskId() {
    // Now and then an id used before, which must be refused as a duplicate.
    return "task-" + (random.nextInt(30) == 0 && nextTask > 0 ? random.nextInt(nextTask) : nextTask++);
  }

  private StatusUpdate agentUpdate(String frameworkId, String agentId, String taskId, TaskState state) {
    byte[] uuid = new byte[16];
    random.nextBytes(uuid);
    return StatusUpdate.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setAgentId(AgentID.newBuilder().setValue(agentId))
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
            .setAgentId(AgentID.newBuilder().setValue(agentId)).setUuid(ByteString.copyFrom(uuid)))
        .build();
  }
}
