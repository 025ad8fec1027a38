package dev.vmesos.deploy.bench;

import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.OfferFilters;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.Value;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.Calls;
import dev.vmesos.client.SchedulerClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The frameworks of {@code ./vmesos bench cluster}: real scheduler clients over HTTP (protobuf),
 * all on one context. Each launches tasks from its offers while the current phase has tasks left
 * (and, in a rate-limited phase, tokens), declines the rest, and acknowledges every update. They
 * record, per task, the time from the OFFERS event that carried its offer and from its ACCEPT to
 * its TASK_RUNNING, and count offers, launches, updates and acknowledgements.
 */
final class BenchFrameworks {

  /** One phase: {@code tasks} launches, at most {@code rate} per second (0: as fast as offers come). */
  static final class Phase {
    final String name;
    final int tasks;
    final double rate;
    int launched;
    int running;
    int acknowledged;
    int failed;
    long offers;
    long updates;
    long startNanos;
    long lastAckNanos;
    final List<Double> offerToRunningMs = new ArrayList<>();
    final List<Double> acceptToRunningMs = new ArrayList<>();
    /** ACCEPT sent → RunTask at the agent, and RunTask at the agent → TASK_RUNNING at the framework. */
    final List<Double> acceptToAgentMs = new ArrayList<>();
    final List<Double> agentToFrameworkMs = new ArrayList<>();
    private double tokens;
    private long refilledNanos;

    Phase(String name, int tasks, double rate) {
      this.name = name;
      this.tasks = tasks;
      this.rate = rate;
    }

    boolean done() {
      return acknowledged + failed >= tasks;
    }

    /** How many of {@code wanted} launches may go now. */
    int take(int wanted, long now) {
      int left = tasks - launched;
      if (rate <= 0) {
        return Math.min(wanted, left);
      }
      if (now < refilledNanos) {
        return 0;   // still settling: offers are only collected
      }
      tokens = Math.min(Math.max(1, rate / 20), tokens + (now - refilledNanos) / 1e9 * rate);
      refilledNanos = now;
      int granted = (int) Math.min(Math.min(wanted, left), Math.floor(tokens));
      tokens -= granted;
      return granted;
    }
  }

  private static final long SETTLED_AFTER_NANOS = 300_000_000L;

  private record Launch(long offerNanos, long acceptNanos, Phase phase) {
  }

  /** An offer kept for later (a paced phase with no tokens now), with when it came. */
  private record Held(SchedulerClient client, Offer offer, long receivedNanos) {
  }

  /**
   * Offers held while pacing, as a scheduler with an offer pool keeps what it will use: launched from
   * as tokens come, declined when the phase has no tasks left. Holding them, rather than declining
   * and reviving, keeps 100 frameworks from having the allocator re-offer 10,000 agents each round;
   * a held offer that is used comes back (less what was launched) at the next allocation.
   */
  private final java.util.ArrayDeque<Held> held = new java.util.ArrayDeque<>();
  /** When the last offer came (nanoTime). */
  private long lastOfferNanos;
  /** The frameworks that have SUPPRESSed offers in this phase, with the answer to that call. */
  private final Map<SchedulerClient, Future<?>> suppressed = new HashMap<>();

  private final Vertx vertx;
  private final Context context;
  private final String host;
  private final int port;
  private final double taskCpus;
  private final double taskMem;
  private final dev.vmesos.client.ClientSecurity security;
  private final List<SchedulerClient> clients = new ArrayList<>();
  private final Map<String, Launch> launches = new HashMap<>();
  private Phase phase;
  private long sequence;
  /** Where simulated agents in this JVM note when each RunTask reached them (null: not known). */
  private java.util.Map<String, long[]> arrivals = java.util.Map.of();

  void arrivals(java.util.Map<String, long[]> noted) {
    this.arrivals = noted;
  }

  BenchFrameworks(Vertx vertx, String host, int port, double taskCpus, double taskMem) {
    this(vertx, host, port, taskCpus, taskMem, dev.vmesos.client.ClientSecurity.none());
  }

  /** With {@code security}: the frameworks authenticate (HTTP Basic) and reach the master over TLS as it says. */
  BenchFrameworks(Vertx vertx, String host, int port, double taskCpus, double taskMem,
      dev.vmesos.client.ClientSecurity security) {
    this.security = security;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.host = host;
    this.port = port;
    this.taskCpus = taskCpus;
    this.taskMem = taskMem;
  }

  /** Subscribes {@code count} frameworks; completes when all are subscribed. */
  Future<Void> subscribe(int count) {
    return Future.future(promise -> context.runOnContext(v -> {
      List<Future<Void>> all = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        // Calls (accepts, declines, acknowledgements) on up to 32 connections, as a busy scheduler would.
        SchedulerClient client = new SchedulerClient(vertx, new dev.vmesos.client.MasterAddress(host, port),
            MediaType.PROTOBUF, new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32), security);
        clients.add(client);
        // As a scheduler that knows its tasks' shape says (Mesos 1.9's offer_filters): nothing smaller
        // than one task is worth offering. Without it, agents whose CPUs are all used are offered
        // (memory only) to each framework in turn, and declined by each.
        FrameworkInfo info = FrameworkInfo.newBuilder().setUser(System.getProperty("user.name", "root")).setName("bench-" + i)
            .setFailoverTimeout(0)
            .putOfferFilters("*", OfferFilters.newBuilder().setMinAllocatableResources(
                OfferFilters.MinAllocatableResources.newBuilder().addQuantities(
                    OfferFilters.ResourceQuantities.newBuilder()
                        .putQuantities("cpus", Value.Scalar.newBuilder().setValue(taskCpus).build())
                        .putQuantities("mem", Value.Scalar.newBuilder().setValue(taskMem).build()))).build())
            .build();
        all.add(client.subscribe(info, event -> onEvent(client, event), error -> { }));
      }
      Future.all(all).<Void>mapEmpty().onComplete(promise);
    }));
  }

  /** Starts a phase (on the frameworks' context); offers from now on serve it. */
  void start(Phase next) {
    context.runOnContext(v -> {
      next.startNanos = System.nanoTime();
      // A paced phase first collects the offers its REVIVE brings (10,000 agents' worth in one
      // allocation round, sent to 100 frameworks at once), then launches: the pace, and the rate
      // measured, start once offers have stopped coming for a while (see settle).
      next.refilledNanos = next.rate > 0 ? Long.MAX_VALUE : next.startNanos;
      long revived = next.startNanos;
      phase = next;
      // REVIVE only once a SUPPRESS still under way has been answered: two calls on two connections
      // could otherwise arrive the other way round, and leave the framework suppressed.
      clients.forEach(c -> {
        Future<?> suppression = suppressed.remove(c);
        if (suppression == null) {
          c.call(Calls.revive());
        } else {
          suppression.onComplete(x -> c.call(Calls.revive()));
        }
      });
      if (next.rate > 0) {
        // Launches go out every 20 ms, each from one held offer: at 2,500/s, about 50 tasks an ACCEPT.
        vertx.setPeriodic(20, id -> {
          if (phase != next || next.done()) {
            // Held offers go back only once the phase's last tasks are acknowledged: declining
            // 10,000 of them makes an allocation round that long, and the phase's last tasks (its
            // p99) would wait behind it.
            vertx.cancelTimer(id);
            releaseHeld();
            return;
          }
          if (next.launched >= next.tasks) {
            return;
          }
          long now = System.nanoTime();
          if (next.refilledNanos == Long.MAX_VALUE) {
            settle(next, revived, now);
            return;
          }
          launchHeld(now);
        });
      }
    });
  }

  /**
   * Starts the pace once the REVIVE's offers are in hand: no offer for {@link #SETTLED_AFTER_NANOS},
   * and at least three seconds after the REVIVE (at most five).
   */
  private void settle(Phase next, long revived, long now) {
    boolean quiet = now - lastOfferNanos >= SETTLED_AFTER_NANOS && now - revived >= 3_000_000_000L;
    if (quiet || now - revived >= 5_000_000_000L) {
      next.startNanos = now;
      next.refilledNanos = now;
    }
  }

  private void launchHeld(long now) {
    while (!held.isEmpty()) {
      Held h = held.peek();
      if (fit(h.offer()) > 0 && !launch(h.client(), h.offer(), now)) {
        return;   // no tokens yet
      }
      held.poll();
      if (fit(h.offer()) == 0) {
        h.client().call(Calls.decline(List.of(h.offer().getId()), 5));
      }
    }
  }

  private void releaseHeld() {
    Map<SchedulerClient, List<dev.vmesos.api.v1.Protos.OfferID>> byClient = new java.util.LinkedHashMap<>();
    while (!held.isEmpty()) {
      Held h = held.poll();
      byClient.computeIfAbsent(h.client(), c -> new ArrayList<>()).add(h.offer().getId());
    }
    byClient.forEach((client, ids) -> client.call(Calls.decline(ids, 5)));
  }

  private void onEvent(SchedulerClient client, Event event) {
    long now = System.nanoTime();
    switch (event.getType()) {
      case OFFERS -> {
        for (Offer offer : event.getOffers().getOffersList()) {
          offer(client, offer, now);
        }
      }
      case UPDATE -> update(client, event.getUpdate().getStatus(), now);
      case RESCIND -> held.removeIf(h -> h.client() == client
          && h.offer().getId().equals(event.getRescind().getOfferId()));
      default -> { }
    }
  }

  private void offer(SchedulerClient client, Offer offer, long received) {
    lastOfferNanos = received;
    Phase current = phase;
    if (current != null) {
      current.offers++;
    }
    if (fit(offer) == 0) {
      client.call(Calls.decline(List.of(offer.getId()), 5));
      return;
    }
    if (current != null && current.rate > 0 && current.launched < current.tasks) {
      // Paced: an offer waits for tokens, as a scheduler that has work at a given rate holds its
      // offers; its latency counts from when the scheduler uses it (an ACCEPT at once).
      if (!held.isEmpty() || !launch(client, offer, received)) {
        held.add(new Held(client, offer, received));
      }
      return;
    }
    if (!launch(client, offer, received)) {
      client.call(Calls.decline(List.of(offer.getId()), 5));
      if (current == null || current.launched >= current.tasks) {
        // Nothing left to launch: as a scheduler with no work should, it stops offers until the
        // next phase REVIVEs it. Otherwise 10,000 agents' offers go round 100 frameworks, each
        // declining them for 5 s.
        suppressed.computeIfAbsent(client, c -> c.call(Calls.suppress()));
      }
    }
  }

  /** Launches what the offer fits and the phase allows now; false (nothing sent) when that is nothing. */
  private boolean launch(SchedulerClient client, Offer offer, long received) {
    Phase current = phase;
    int count = current == null ? 0 : current.take(fit(offer), System.nanoTime());
    if (count == 0) {
      return false;
    }
    List<TaskInfo> tasks = new ArrayList<>(count);
    long accepted = System.nanoTime();
    for (int i = 0; i < count; i++) {
      String id = "t" + (++sequence);
      tasks.add(TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
          .setAgentId(offer.getAgentId())
          .addResources(resource("cpus", taskCpus)).addResources(resource("mem", taskMem))
          .setCommand(dev.vmesos.api.v1.Protos.CommandInfo.newBuilder().setValue("true"))
          .build());
      launches.put(id, new Launch(received, accepted, current));
    }
    current.launched += count;
    client.call(Calls.launch(List.of(offer.getId()), tasks, 0));
    return true;
  }

  private void update(SchedulerClient client, TaskStatus status, long now) {
    // A task counts once, at its first update past STARTING; a resent update finds no launch (and
    // the launch is not kept for the rest of the run).
    boolean starting = status.getState() == TaskState.TASK_STAGING || status.getState() == TaskState.TASK_STARTING;
    Launch launch = starting ? launches.get(status.getTaskId().getValue())
        : launches.remove(status.getTaskId().getValue());
    Phase of = launch == null ? phase : launch.phase();
    if (of != null) {
      of.updates++;
    }
    if (launch != null && status.getState() == TaskState.TASK_RUNNING) {
      of.running++;
      of.offerToRunningMs.add((now - launch.offerNanos()) / 1e6);
      of.acceptToRunningMs.add((now - launch.acceptNanos()) / 1e6);
      long[] arrived = arrivals.remove(status.getTaskId().getValue());
      if (arrived != null) {
        of.acceptToAgentMs.add((arrived[0] - launch.acceptNanos()) / 1e6);
        of.agentToFrameworkMs.add((now - arrived[0]) / 1e6);
      }
    } else if (launch != null && status.getState() != TaskState.TASK_STAGING
        && status.getState() != TaskState.TASK_STARTING) {
      of.failed++;
    }
    if (status.hasUuid()) {
      client.call(Calls.acknowledge(status)).onComplete(done -> {
        if (done.succeeded() && launch != null && status.getState() == TaskState.TASK_RUNNING) {
          launch.phase().acknowledged++;
          launch.phase().lastAckNanos = System.nanoTime();
        }
      });
    }
  }

  /** A snapshot of the phase's counters, read on the frameworks' context. */
  Future<String> progress(Phase of) {
    return Future.future(p -> context.runOnContext(v -> p.complete(of.launched + " launched, " + of.running
        + " running, " + of.acknowledged + " acknowledged, " + of.failed + " failed")));
  }

  Future<Boolean> done(Phase of) {
    return Future.future(p -> context.runOnContext(v -> p.complete(of.done())));
  }

  Future<Void> close() {
    return Future.future(p -> context.runOnContext(v -> {
      List<Future<Void>> closing = new ArrayList<>();
      clients.forEach(c -> closing.add(c.close()));
      Future.join(closing).<Void>mapEmpty().onComplete(x -> p.complete());
    }));
  }

  /** How many tasks the offer holds. */
  private int fit(Offer offer) {
    return (int) Math.min(scalar(offer, "cpus") / taskCpus + 1e-9, scalar(offer, "mem") / taskMem + 1e-9);
  }

  private static double scalar(Offer offer, String name) {
    double sum = 0;
    for (Resource r : offer.getResourcesList()) {
      if (r.getName().equals(name) && r.hasScalar()) {
        sum += r.getScalar().getValue();
      }
    }
    return sum;
  }

  private static Resource resource(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }
}
