package dev.vmesos.master.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.vmesos.api.internal.Internal.Ping;
import dev.vmesos.api.internal.Internal.ReregisterAgent;
import dev.vmesos.api.internal.Internal.RunningTask;
import dev.vmesos.api.registry.RegistryProtos.Registry;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.master.allocator.MutableClock;
import dev.vmesos.master.allocator.Quota;
import dev.vmesos.master.state.MasterTest.RecordingSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A new leader's master taking over a registry: frameworks fail over, agents re-register or go unreachable. */
class MasterRecoveryTest {

  private static final Duration REREGISTER_TIMEOUT = Duration.ofMinutes(10);
  private static final String FRAMEWORK = "old-0000";
  private static final String AGENT = "old-S0";
  private static final String UNREACHABLE = "old-S1";
  private static final long UNREACHABLE_SINCE = 1_000_000_000L;

  private MutableClock clock;
  private TimedEffects effects;
  private Master master;
  private final List<String> heard = new ArrayList<>();

  /** Timers that fire when the clock passes them; messages to agents recorded. */
  final class TimedEffects implements MasterEffects {
    final List<Message> toAgents = new ArrayList<>();
    final TreeMap<Long, Map.Entry<Instant, Runnable>> timers = new TreeMap<>();
    long nextTimer;

    @Override
    public void sendToAgent(String agentId, Message message) {
      toAgents.add(message);
    }

    @Override
    public long schedule(Duration delay, Runnable action) {
      timers.put(nextTimer, Map.entry(clock.instant().plus(delay), action));
      return nextTimer++;
    }

    @Override
    public long schedulePeriodic(Duration period, Runnable action) {
      return nextTimer++;
    }

    @Override
    public void cancel(long timerId) {
      timers.remove(timerId);
    }

    /** Moves the clock on and runs the timers due by then, in the order they were set. */
    void advance(Duration duration) {
      clock.advance(duration);
      boolean ran = true;
      while (ran) {
        ran = false;
        for (Map.Entry<Long, Map.Entry<Instant, Runnable>> timer : List.copyOf(timers.entrySet())) {
          if (!timer.getValue().getKey().isAfter(clock.instant()) && timers.remove(timer.getKey()) != null) {
            timer.getValue().getValue().run();
            ran = true;
          }
        }
      }
    }
  }

  @BeforeEach
  void setUp() {
    clock = new MutableClock();
    effects = new TimedEffects();
    MasterInfo info = MasterInfo.newBuilder().setId("new").setIp(16777343).setPort(5050).build();
    master = new Master(info, Duration.ofSeconds(15), Duration.ofSeconds(15), clock, effects);
    master.addListener(new MasterListener() {
      @Override
      public void frameworkAdded(Framework framework) {
        heard.add("frameworkAdded " + framework.id());
      }

      @Override
      public void frameworkUpdated(Framework framework) {
        heard.add("frameworkUpdated " + framework.id());
      }

      @Override
      public void frameworkRemoved(Framework framework) {
        heard.add("frameworkRemoved " + framework.id());
      }

      @Override
      public void agentUnreachable(Agent agent, long unreachableTimeNanos) {
        heard.add("agentUnreachable " + agent.id());
      }
    });
    master.recover(registry(), REREGISTER_TIMEOUT);
  }

  private static FrameworkInfo frameworkInfo(boolean partitionAware) {
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setUser("u").setName("fw")
        .setId(FrameworkID.newBuilder().setValue(FRAMEWORK)).setFailoverTimeout(60);
    if (partitionAware) {
      info.addCapabilities(FrameworkInfo.Capability.newBuilder()
          .setType(FrameworkInfo.Capability.Type.PARTITION_AWARE));
    }
    return info.build();
  }

  private static AgentInfo agentInfo(String id) {
    return AgentInfo.newBuilder().setHostname("host").setPort(5051).setId(AgentID.newBuilder().setValue(id))
        .addAllResources(ResourcesParser.parse("cpus:4;mem:1024").toList()).build();
  }

  private static Registry registry() {
    return Registry.newBuilder().setEpoch(3).setVersion(17)
        .addFrameworks(Registry.Framework.newBuilder().setInfo(frameworkInfo(true)).setRegisteredTimeNs(1))
        .addAgents(Registry.Agent.newBuilder().setInfo(agentInfo(AGENT)).setState(Registry.Agent.State.ADMITTED))
        .addAgents(Registry.Agent.newBuilder().setInfo(agentInfo(UNREACHABLE))
            .setState(Registry.Agent.State.UNREACHABLE).setUnreachableTimeNs(UNREACHABLE_SINCE))
        .putWeights("analytics", 2.5)
        .addQuotas(Registry.Quota.newBuilder().setRole("batch").putGuarantees("cpus", 1.0).putLimits("cpus", 2.0))
        .build();
  }

  private RecordingSink resubscribe() {
    RecordingSink sink = new RecordingSink("stream-after-failover");
    master.subscribe(Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(frameworkInfo(true))).build(), sink);
    return sink;
  }

  private void call(RecordingSink sink, Call.Builder call) {
    master.call(call.setFrameworkId(FrameworkID.newBuilder().setValue(FRAMEWORK)).build(), sink.streamId());
  }

  private static Call.Builder reconcile(String taskId, String agentId) {
    Call.Reconcile.Task.Builder task = Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId));
    if (agentId != null) {
      task.setAgentId(AgentID.newBuilder().setValue(agentId));
    }
    return Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder().addTasks(task));
  }

  private static ReregisterAgent reregistration(String taskId) {
    TaskInfo task = TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
        .setAgentId(AgentID.newBuilder().setValue(AGENT))
        .setCommand(CommandInfo.newBuilder().setValue("sleep 1000"))
        .addAllResources(ResourcesParser.parse("cpus:1;mem:128").toList()).build();
    return ReregisterAgent.newBuilder().setAgentInfo(agentInfo(AGENT))
        .addTasks(RunningTask.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(FRAMEWORK))
            .setTask(task).setState(TaskState.TASK_RUNNING).setFrameworkInfo(frameworkInfo(true)))
        .build();
  }

  private static Ping ping(String agentId) {
    return Ping.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId)).setSequence(1).build();
  }

  @Test
  void aRecoveredFrameworkThatResubscribesWithItsIdFailsOver() {
    assertThat(master.frameworks()).containsKey(FRAMEWORK);
    assertThat(master.frameworks().get(FRAMEWORK).connected()).isFalse();

    RecordingSink sink = resubscribe();

    assertThat(sink.ofType(Event.Type.SUBSCRIBED)).singleElement()
        .satisfies(e -> assertThat(e.getSubscribed().getFrameworkId().getValue()).isEqualTo(FRAMEWORK));
    assertThat(heard).contains("frameworkUpdated " + FRAMEWORK).doesNotContain("frameworkAdded " + FRAMEWORK);
    effects.advance(Duration.ofSeconds(61));
    assertThat(master.frameworks()).as("its failover timer stopped").containsKey(FRAMEWORK);
  }

  @Test
  void aRecoveredFrameworkThatDoesNotReturnIsRemovedAfterItsFailoverTimeoutFromTheTakeover() {
    effects.advance(Duration.ofSeconds(59));
    assertThat(master.frameworks()).containsKey(FRAMEWORK);

    effects.advance(Duration.ofSeconds(2));

    assertThat(master.frameworks()).doesNotContainKey(FRAMEWORK);
    assertThat(heard).contains("frameworkRemoved " + FRAMEWORK);
  }

  @Test
  void aRecoveringAgentIsNotOfferedAndItsPingAsksItToReregister() {
    RecordingSink sink = resubscribe();
    effects.advance(Duration.ofMillis(10));
    master.allocate();

    assertThat(master.agents()).isEmpty();
    assertThat(master.recoveringAgents()).containsOnlyKeys(AGENT);
    assertThat(master.ping(ping(AGENT)).getRegistered()).isFalse();
    assertThat(sink.ofType(Event.Type.OFFERS)).isEmpty();
  }

  @Test
  void reregistrationTakesTheAgentBackWithItsTasks() {
    RecordingSink sink = resubscribe();

    master.reregisterAgent(reregistration("t1"));
    effects.advance(Duration.ofMillis(10));

    assertThat(master.recoveringAgents()).isEmpty();
    assertThat(master.agents()).containsKey(AGENT);
    assertThat(master.ping(ping(AGENT)).getRegistered()).isTrue();
    assertThat(master.taskState(FRAMEWORK, TaskID.newBuilder().setValue("t1").build()))
        .isEqualTo(TaskState.TASK_RUNNING);
    // 4 cpus - 1 for t1 - 1 kept for the recovered quota guarantee of 'batch'; 1024 - 128 MB.
    assertThat(dev.vmesos.api.resources.Resources.of(sink.lastOffer().getResourcesList()).unallocated())
        .isEqualTo(ResourcesParser.parse("cpus:2;mem:896"));
    effects.advance(REREGISTER_TIMEOUT);
    assertThat(master.unreachableAgents()).doesNotContainKey(AGENT);
    assertThat(heard).doesNotContain("agentUnreachable " + AGENT);
  }

  @Test
  void whileAnAgentMayReturnReconcileAndKillOfItsUnknownTasksAnswerNothing() {
    RecordingSink sink = resubscribe();

    call(sink, reconcile("t-unknown", AGENT));
    call(sink, reconcile("t-no-agent", null));
    call(sink, Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.getDefaultInstance()));
    call(sink, Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue("t-unknown")).setAgentId(AgentID.newBuilder().setValue(AGENT))));

    assertThat(sink.updates()).isEmpty();
    assertThat(effects.toAgents).isEmpty();
  }

  @Test
  void anAgentThatDoesNotReregisterInTimeBecomesUnreachableAndFrameworksHearItIsLost() {
    RecordingSink sink = resubscribe();
    effects.advance(REREGISTER_TIMEOUT.minusSeconds(1));
    assertThat(master.recoveringAgents()).containsOnlyKeys(AGENT);

    effects.advance(Duration.ofSeconds(1));

    assertThat(master.recoveringAgents()).isEmpty();
    assertThat(master.unreachableAgents()).containsKeys(AGENT, UNREACHABLE);
    assertThat(heard).contains("agentUnreachable " + AGENT);
    assertThat(sink.ofType(Event.Type.FAILURE)).singleElement()
        .satisfies(e -> assertThat(e.getFailure().getAgentId().getValue()).isEqualTo(AGENT));
    call(sink, reconcile("t-unknown", AGENT));
    assertThat(sink.updates()).singleElement().extracting(TaskStatus::getState).isEqualTo(TaskState.TASK_UNREACHABLE);
  }

  @Test
  void unreachableAgentsStayUnreachableWithTheirTime() {
    RecordingSink sink = resubscribe();

    call(sink, reconcile("t-elsewhere", UNREACHABLE));

    assertThat(master.unreachableAgents()).containsKey(UNREACHABLE);
    assertThat(sink.updates()).singleElement().satisfies(status -> {
      assertThat(status.getState()).isEqualTo(TaskState.TASK_UNREACHABLE);
      assertThat(status.getUnreachableTime().getNanoseconds()).isEqualTo(UNREACHABLE_SINCE);
    });
  }

  @Test
  void runtimeWeightsAndQuotasGoBackIntoTheAllocator() {
    assertThat(master.allocator().weights()).containsEntry("analytics", 2.5);
    assertThat(master.allocator().quotas()).containsEntry("batch", new Quota(Map.of("cpus", 1.0), Map.of("cpus", 2.0)));
  }
}
