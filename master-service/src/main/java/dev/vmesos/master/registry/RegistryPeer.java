package dev.vmesos.master.registry;

import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.registry.RegistryProtos.GetRegistryCopy;
import dev.vmesos.api.registry.RegistryProtos.PersistRegistryCopy;
import dev.vmesos.api.registry.RegistryProtos.RegistryCopy;
import dev.vmesos.api.registry.RegistryProtos.RegistryCopyPersisted;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every master's side of the replicated registry, leader or standby: on
 * {@code Addresses.masterPeer(<its node id>)} it answers the leader's "persist this copy" and a new
 * leader's "give me your copy" from its {@link DiskRegistryStore}.
 */
public final class RegistryPeer {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryPeer.class);

  private final Vertx vertx;
  private final DiskRegistryStore disk;
  private final String nodeId;
  private MessageConsumer<Object> consumer;

  /** @param nodeId this master's Hazelcast member UUID */
  public RegistryPeer(Vertx vertx, DiskRegistryStore disk, String nodeId) {
    this.vertx = vertx;
    this.disk = disk;
    this.nodeId = nodeId;
  }

  /** Consumes this master's peer address; completes once the consumer is registered cluster-wide. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.masterPeer(nodeId), this::handle);
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void handle(Message<Object> message) {
    Object body = message.body();
    if (body instanceof PersistRegistryCopy persist) {
      disk.persist(persist.getRegistry()).onComplete(held -> {
        if (held.succeeded()) {
          message.reply(RegistryCopyPersisted.newBuilder().setEpoch(held.result().getEpoch())
              .setVersion(held.result().getVersion()).build());
        } else {
          LOG.error("Failed to keep the leader's registry {}: {}", Registries.describe(persist.getRegistry()),
              held.cause().getMessage());
          message.fail(500, held.cause().getMessage());
        }
      });
    } else if (body instanceof GetRegistryCopy) {
      disk.read().onComplete(copy -> {
        if (copy.succeeded()) {
          RegistryCopy.Builder reply = RegistryCopy.newBuilder();
          copy.result().ifPresent(reply::setRegistry);
          message.reply(reply.build());
        } else {
          LOG.error("Cannot give a new leader this master's registry copy: {}", copy.cause().getMessage());
          message.fail(500, copy.cause().getMessage());
        }
      });
    } else {
      message.fail(400, "Unexpected message type " + (body == null ? "null" : body.getClass().getSimpleName()));
    }
  }
}
