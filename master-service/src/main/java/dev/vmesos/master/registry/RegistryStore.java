package dev.vmesos.master.registry;

import dev.vmesos.api.registry.RegistryProtos.Registry;
import io.vertx.core.Future;

/**
 * Where the leader keeps its registry: on one master's disk ({@link DiskRegistryStore}), or in the
 * masters' CP subsystem with a copy on each master's disk ({@link ReplicatedRegistryStore}).
 * Calls come from one context, one at a time.
 */
public interface RegistryStore {

  /** The newest registry this store can find; an empty one (epoch 0, version 0) if there is none. */
  Future<Registry> recover();

  /**
   * Writes the registry durably. Fails with {@link RegistryFencedException} when another leader has
   * written since this store last read or wrote: this leader is deposed and must not act any more.
   */
  Future<Void> store(Registry registry);
}
