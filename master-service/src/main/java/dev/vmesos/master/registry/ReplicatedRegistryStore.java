package dev.vmesos.master.registry;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPMember;
import com.hazelcast.cp.IAtomicReference;
import com.hazelcast.cp.internal.exception.MetadataRaftGroupInitInProgressException;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.registry.RegistryProtos.GetRegistryCopy;
import dev.vmesos.api.registry.RegistryProtos.PersistRegistryCopy;
import dev.vmesos.api.registry.RegistryProtos.Registry;
import dev.vmesos.api.registry.RegistryProtos.RegistryCopy;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of several masters. It lives in a CP (Raft) {@code IAtomicReference<byte[]>}: a write
 * is a compare-and-set against the bytes this store last read or wrote, so a deposed leader's write
 * fails ({@link RegistryFencedException}). Each write then goes to this master's disk and to the
 * other masters' disks ({@link RegistryPeer}), and succeeds once a majority of the masters (the CP
 * members) hold it: the registry also survives a restart of every master, which empties the CP
 * subsystem (it keeps nothing on disk in the open-source edition). Recovery then takes the newest
 * copy among a majority of the masters' disks and writes it back.
 *
 * <p>Used one call at a time. Its futures complete on the context of the call (the master's event
 * loop), or on the one it was created on when called from outside any context.
 */
public final class ReplicatedRegistryStore implements RegistryStore {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicatedRegistryStore.class);

  /** The name of the CP reference. */
  public static final String REFERENCE = "vmesos-registry";
  /** How long a peer master has to answer for its disk copy. */
  static final Duration PEER_TIMEOUT = Duration.ofSeconds(3);
  /** How long the CP subsystem may take to form (its discovery needs every CP member up). */
  static final Duration CP_READY_TIMEOUT = Duration.ofSeconds(120);
  private static final long CP_RETRY_MILLIS = 200;

  private final Vertx vertx;
  private final Context context;
  private final HazelcastInstance hazelcast;
  private final DiskRegistryStore local;
  private final String localNodeId;
  private IAtomicReference<byte[]> reference;
  /** What this store last read from or wrote to the CP reference; null: it was empty. */
  private byte[] last;

  /** @param localNodeId this master's Hazelcast member UUID, the address of its {@link RegistryPeer} */
  public ReplicatedRegistryStore(Vertx vertx, HazelcastInstance hazelcast, DiskRegistryStore local,
                                 String localNodeId) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.hazelcast = hazelcast;
    this.local = local;
    this.localNodeId = localNodeId;
  }

  @Override
  public Future<Registry> recover() {
    return reference().compose(ref -> stage(ref.getAsync())).compose(bytes -> {
      if (bytes != null) {
        last = bytes;
        Registry registry = Registries.parse(bytes, "the CP reference " + REFERENCE);
        LOG.info("Recovered registry {} from the CP subsystem", Registries.describe(registry));
        return local.persist(registry).map(registry);
      }
      return newestCopy().compose(this::writeBack);
    });
  }

  @Override
  public Future<Void> store(Registry registry) {
    byte[] bytes = registry.toByteArray();
    return reference().compose(ref -> stage(ref.compareAndSetAsync(last, bytes))).compose(swapped -> {
      if (!swapped) {
        return Future.failedFuture(new RegistryFencedException("Registry " + Registries.describe(registry)
            + " not written: another leader has written the registry since this one read it"));
      }
      last = bytes;
      return local.persist(registry).compose(held -> replicate(registry));
    });
  }

  /** After a restart of every master the CP reference is empty: the newest disk copy goes back in. */
  private Future<Registry> writeBack(Registry newest) {
    if (newest.getEpoch() == 0 && newest.getVersion() == 0) {
      LOG.info("No registry in the CP subsystem nor on the masters' disks: starting with an empty one");
      last = null;
      return Future.succeededFuture(newest);
    }
    byte[] bytes = newest.toByteArray();
    return stage(reference.compareAndSetAsync(null, bytes)).compose(swapped -> {
      if (swapped) {
        last = bytes;
        LOG.info("Recovered registry {} from the masters' disks", Registries.describe(newest));
        return Future.succeededFuture(newest);
      }
      // Another master wrote it back first: take its.
      return stage(reference.getAsync()).map(current -> {
        last = current;
        return current == null ? newest : Registries.parse(current, "the CP reference " + REFERENCE);
      });
    });
  }

  /** Waits until a majority of the masters (this one included) hold the registry on disk. */
  private Future<Void> replicate(Registry registry) {
    return cpMembers().compose(members -> {
      List<String> peers = peers(members);
      int majority = members.size() / 2 + 1;
      int needed = majority - (peers.size() < members.size() ? 1 : 0);
      if (needed <= 0) {
        return Future.succeededFuture();
      }
      Promise<Void> done = Promise.promise();
      int[] answers = new int[2]; // [held, failed]
      PersistRegistryCopy request = PersistRegistryCopy.newBuilder().setRegistry(registry).build();
      for (String peer : peers) {
        vertx.eventBus().request(Addresses.masterPeer(peer), request, options()).onComplete(reply -> {
          if (reply.succeeded()) {
            if (++answers[0] >= needed) {
              done.tryComplete();
            }
          } else {
            LOG.warn("Master {} did not keep registry {}: {}", peer, Registries.describe(registry),
                reply.cause().getMessage());
            if (++answers[1] > peers.size() - needed) {
              done.tryFail("Registry " + Registries.describe(registry) + " is on " + (answers[0] + majority - needed)
                  + " of " + members.size() + " masters' disks; a majority is needed");
            }
          }
        });
      }
      return done.future();
    });
  }

  /** The newest copy among this master's disk and a majority of the masters' disks. */
  private Future<Registry> newestCopy() {
    return local.read().compose(own -> cpMembers().compose(members -> {
      List<String> peers = peers(members);
      int majority = members.size() / 2 + 1;
      boolean member = peers.size() < members.size();
      Registry[] newest = {own.orElseGet(Registries::empty)};
      int needed = majority - (member ? 1 : 0);
      if (needed <= 0) {
        return Future.succeededFuture(newest[0]);
      }
      Promise<Registry> done = Promise.promise();
      int[] answers = new int[2]; // [answered, failed]
      for (String peer : peers) {
        vertx.eventBus().request(Addresses.masterPeer(peer), GetRegistryCopy.getDefaultInstance(), options())
            .onComplete(reply -> {
              if (reply.succeeded() && reply.result().body() instanceof RegistryCopy copy) {
                if (copy.hasRegistry()) {
                  newest[0] = Registries.newest(newest[0], copy.getRegistry());
                }
                if (++answers[0] >= needed) {
                  done.tryComplete(newest[0]);
                }
              } else {
                LOG.warn("Master {} did not give its registry copy: {}", peer,
                    reply.failed() ? reply.cause().getMessage() : "unexpected reply");
                if (++answers[1] > peers.size() - needed) {
                  done.tryFail("Only " + (answers[0] + (member ? 1 : 0)) + " of " + members.size()
                      + " masters gave their registry copy; a majority is needed to recover it");
                }
              }
            });
      }
      return done.future();
    }));
  }

  /**
   * The other masters' node ids (their cluster member UUIDs, which their peer addresses carry). A CP
   * member's own UUID is not its cluster member's (a promoted member gets a new one), so CP members
   * are matched to cluster members by address; one that is not in the cluster now keeps its slot under
   * its CP UUID, so that it counts, and fails, as a master that did not answer.
   */
  private List<String> peers(Collection<CPMember> members) {
    java.util.Map<com.hazelcast.cluster.Address, String> byAddress = new java.util.HashMap<>();
    for (com.hazelcast.cluster.Member member : hazelcast.getCluster().getMembers()) {
      byAddress.put(member.getAddress(), member.getUuid().toString());
    }
    List<String> peers = new ArrayList<>();
    for (CPMember member : members) {
      String id = byAddress.getOrDefault(member.getAddress(), member.getUuid().toString());
      if (!id.equals(localNodeId)) {
        peers.add(id);
      }
    }
    return peers;
  }

  private Future<Collection<CPMember>> cpMembers() {
    return stage(hazelcast.getCPSubsystem().getCPSubsystemManagementService().getCPMembers());
  }

  private static DeliveryOptions options() {
    return new DeliveryOptions().setSendTimeout(PEER_TIMEOUT.toMillis());
  }

  /** The CP reference, once the CP subsystem has formed. */
  private Future<IAtomicReference<byte[]>> reference() {
    if (reference != null) {
      return Future.succeededFuture(reference);
    }
    Promise<IAtomicReference<byte[]>> promise = Promise.promise();
    lookUp(System.nanoTime() + CP_READY_TIMEOUT.toNanos(), promise);
    return promise.future();
  }

  private void lookUp(long deadline, Promise<IAtomicReference<byte[]>> promise) {
    context.<IAtomicReference<byte[]>>executeBlocking(() -> hazelcast.getCPSubsystem().getAtomicReference(REFERENCE))
        .onComplete(found -> {
          if (found.succeeded()) {
            reference = found.result();
            promise.complete(reference);
          } else if (initInProgress(found.cause()) && System.nanoTime() < deadline) {
            LOG.debug("The CP subsystem is still forming; retrying");
            vertx.setTimer(CP_RETRY_MILLIS, id -> lookUp(deadline, promise));
          } else {
            promise.fail(found.cause());
          }
        });
  }

  private static boolean initInProgress(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof MetadataRaftGroupInitInProgressException) {
        return true;
      }
    }
    return false;
  }

  private <T> Future<T> stage(CompletionStage<T> stage) {
    Context current = Vertx.currentContext();
    return Future.fromCompletionStage(stage, current != null ? current : context);
  }

  /** For logs and tests. */
  @Override
  public String toString() {
    return "ReplicatedRegistryStore[" + localNodeId + "]";
  }

  /** The UUID of a Hazelcast member as this store's peers know it. */
  public static String nodeId(HazelcastInstance hazelcast) {
    UUID uuid = hazelcast.getCluster().getLocalMember().getUuid();
    return uuid.toString();
  }
}
