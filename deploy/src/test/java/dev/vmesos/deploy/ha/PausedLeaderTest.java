package dev.vmesos.deploy.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.Value;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.Calls;
import dev.vmesos.client.SchedulerClient;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A leader frozen with SIGSTOP for longer than its lease, CP session and Hazelcast's member timeout,
 * while another master is elected, then woken with SIGCONT: it must not act as leader again. Its
 * framework stream carries nothing more (only its end), the agent refused nothing from it (it sent
 * nothing), its log shows no launch or offer, and it reports itself a standby pointing at the new
 * leader.
 */
class PausedLeaderTest extends ProcessClusterTest {

  /**
   * The least the leader stays paused: longer than its 1.5 s lease and the 5 s CP session TTL. It stays
   * paused until another master leads, which takes Hazelcast removing the silent leader (30 s).
   */
  private static final Duration PAUSE = Duration.ofSeconds(15);



  @Test
  void aLeaderWokenAfterItsSuccessorWasElectedSendsNothing() throws Exception {
    cluster = new MasterProcesses(MasterProcesses.Layout.of(workDir, "vmesos-paused-" + UUID.randomUUID(), 3, 1,
        15250, 15731, 15351, "cpus:2;mem:2048;disk:1024;ports:[31000-31009]")).start();
    int old = cluster.awaitLeader(Duration.ofSeconds(90));
    cluster.awaitAgentsRegistered(old, 1, Duration.ofSeconds(60));

    // A framework on the old leader: a task running, offers coming again every allocation.
    vertx = Vertx.vertx();
    RecordedStream stream = new RecordedStream();
    SchedulerClient client = new SchedulerClient(vertx, "127.0.0.1", cluster.masterPort(old), MediaType.JSON);
    client.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("paused-leader").setCheckpoint(true)
        .setFailoverTimeout(600).build(), event -> {
          stream.onEvent(event);
          if (event.getType() == Event.Type.OFFERS) {
            onOffers(client, event.getOffers().getOffersList());
          } else if (event.getType() == Event.Type.UPDATE && event.getUpdate().getStatus().hasUuid()) {
            client.call(Calls.acknowledge(event.getUpdate().getStatus()));
          }
        }, stream::onClose).await(10, TimeUnit.SECONDS);
    MasterProcesses.await(Duration.ofSeconds(30), "the task runs and offers keep coming", () ->
        stream.events().stream().anyMatch(r -> r.event().getType() == Event.Type.UPDATE
            && r.event().getUpdate().getStatus().getState() == TaskState.TASK_RUNNING)
            && stream.count(Event.Type.OFFERS) >= 3);

    long pausedAt = System.nanoTime();
    cluster.pauseMaster(old);
    int next = cluster.awaitLeader(Duration.ofSeconds(150));
    long electedAt = System.nanoTime();
    // The paused master still owns its share of Hazelcast's partitions until the cluster removes it (30 s of
    // silence): event-bus lookups of addresses kept there wait until then.
    cluster.awaitAgentsRegistered(next, 1, Duration.ofSeconds(60));
    double staleBefore = cluster.agentMetric(0, "agent/stale_leader_messages").orElseThrow();
    long remaining = PAUSE.toNanos() - (System.nanoTime() - pausedAt);
    if (remaining > 0) {
      Thread.sleep(TimeUnit.NANOSECONDS.toMillis(remaining));   // holds the leader paused for PAUSE in all
    }
    long logBefore = Files.size(cluster.masterLog(old));
    long resumedAt = System.nanoTime();
    cluster.resumeMaster(old);
    System.out.printf("[paused] leader %d paused %d ms; master %d elected %d ms after the pause; resumed%n", old,
        (resumedAt - pausedAt) / 1_000_000, next, (electedAt - pausedAt) / 1_000_000);

    MasterProcesses.await(Duration.ofSeconds(10), "the old leader reports itself not elected",
        () -> cluster.metric(old, "master/elected").orElse(-1.0) == 0.0);
    MasterProcesses.await(Duration.ofSeconds(10), "the old leader redirects to the new one", () -> {
      HttpResponse<String> redirect = cluster.get(cluster.masterPort(old), "/redirect").orElse(null);
      return redirect != null && redirect.statusCode() == 307 && redirect.headers().firstValue("Location")
          .orElse("").equals("//127.0.0.1:" + cluster.masterPort(next));
    });
    MasterProcesses.await(Duration.ofSeconds(10), "the old leader's stream ends", stream::closed);
    // Enough time for its allocation timer (1 s), heartbeats and the agent's messages to show up.
    MasterProcesses.await(Duration.ofSeconds(10), "5 s after the resume",
        () -> System.nanoTime() - resumedAt > TimeUnit.SECONDS.toNanos(5));

    List<RecordedStream.Received> afterResume = stream.after(resumedAt);
    double staleAfter = cluster.agentMetric(0, "agent/stale_leader_messages").orElseThrow();
    double fenced = cluster.metric(old, "master/fenced_sends").orElseThrow();
    String logAfter = tail(cluster.masterLog(old), logBefore);
    System.out.printf("[paused] after the resume: %d event(s) on its stream %s, stream ended %d ms after the"
            + " resume, agent/stale_leader_messages %s -> %s, master/fenced_sends %s%n", afterResume.size(),
        afterResume.stream().map(r -> r.event().getType()).toList(), (stream.closedNanos() - resumedAt) / 1_000_000,
        staleBefore, staleAfter, fenced);
    System.out.printf("[paused] old leader's log after the resume:%n%s%n", logAfter);

    assertThat(next).isNotEqualTo(old);
    assertThat(afterResume).extracting(r -> r.event().getType()).as("events the old leader sent after SIGCONT")
        .doesNotContainAnyElementsOf(Set.of(Event.Type.OFFERS, Event.Type.UPDATE, Event.Type.RESCIND,
            Event.Type.SUBSCRIBED, Event.Type.FAILURE, Event.Type.MESSAGE));
    assertThat(staleAfter - staleBefore).as("the agent refused nothing from the old leader: it sent nothing")
        .isZero();
    assertThat(logAfter).doesNotContain("Launching").doesNotContainIgnoringCase("sending")
        .doesNotContainIgnoringCase("offer").contains("stops leading");
    assertThat(cluster.metric(old, "master/elected")).contains(0.0);
    assertThat(cluster.subscribeStatus(old)).as("SUBSCRIBE on the old leader").isEqualTo(307);
    // Another master leads (the woken one may have unsettled the Raft group for a moment: poll).
    MasterProcesses.await(Duration.ofSeconds(30), "a master other than the woken one leads", () -> {
      java.util.OptionalInt leader = cluster.leaderNow();
      return leader.isPresent() && leader.getAsInt() != old;
    });
  }

  private boolean launched;

  /** The first offer runs a long task; the others are declined for a moment, so offers keep coming. */
  private void onOffers(SchedulerClient client, List<Offer> offers) {
    for (Offer offer : offers) {
      if (!launched) {
        launched = true;
        TaskInfo task = TaskInfo.newBuilder().setName("sleeper").setTaskId(TaskID.newBuilder().setValue("sleeper"))
            .setAgentId(offer.getAgentId()).addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
            .setCommand(CommandInfo.newBuilder().setValue("sleep 120")).build();
        client.call(Calls.launch(List.of(offer.getId()), List.of(task), 0.2));
      } else {
        client.call(Calls.decline(List.of(offer.getId()), 0.2));
      }
    }
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static String tail(Path log, long from) throws java.io.IOException {
    byte[] all = Files.readAllBytes(log);
    return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
        StandardCharsets.UTF_8);
  }
}
