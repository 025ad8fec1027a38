package dev.vmesos.master.state;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.master.allocator.HierarchicalAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every outstanding offer, recorded once, from the allocation round that made it until it is
 * accepted, declined, taken back or timed out. A framework's {@link Framework#offers()} is a
 * read-only view of its part. Offers taken back go back to the allocator here; telling their
 * frameworks (RESCIND) is the caller's part.
 */
final class OfferBook {

  /**
   * An offer made and not yet answered: its role and resources in canonical form, allocated to the
   * role; the timer that rescinds it when {@code --offer_timeout} is set.
   */
  record OutstandingOffer(String id, Offer offer, String frameworkId, String agentId, String role,
                          Resources resources, Long timer) {
  }

  private final String masterId;
  private final Duration offerTimeout;
  private final MasterEffects effects;
  private final HierarchicalAllocator allocator;
  private final Consumer<String> onTimeout;
  private final Map<String, OutstandingOffer> offers = new LinkedHashMap<>();
  /** Each framework's offers in the order they were made: an index of {@link #offers}, kept with it. */
  private final Map<String, Map<String, Offer>> byFramework = new HashMap<>();
  private long nextOfferId;

  /**
   * @param offerTimeout unanswered offers are rescinded after this; null: never
   * @param onTimeout    told the id of an offer whose timeout fired (see {@link #expire})
   */
  OfferBook(String masterId, Duration offerTimeout, MasterEffects effects, HierarchicalAllocator allocator,
            Consumer<String> onTimeout) {
    this.masterId = masterId;
    this.offerTimeout = offerTimeout;
    this.effects = effects;
    this.allocator = allocator;
    this.onTimeout = onTimeout;
  }

  /** Records a new offer of {@code resources} (allocated to {@code role}) and starts its timer. */
  Offer make(Framework framework, Agent agent, String role, Resources resources) {
    String offerId = masterId + "-O" + nextOfferId++;
    Long timer = offerTimeout == null ? null : effects.schedule(offerTimeout, () -> onTimeout.accept(offerId));
    Offer offer = Events.offer(offerId, framework, agent, role, resources);
    OutstandingOffer outstanding = new OutstandingOffer(offerId, offer, framework.id(), agent.id(), role, resources,
        timer);
    offers.put(offerId, outstanding);
    byFramework.computeIfAbsent(framework.id(), k -> new LinkedHashMap<>()).put(offerId, offer);
    return offer;
  }

  /** The outstanding offer with this id made to this framework; null if there is none. */
  OutstandingOffer of(String frameworkId, String offerId) {
    OutstandingOffer offer = offers.get(offerId);
    return offer == null || !offer.frameworkId().equals(frameworkId) ? null : offer;
  }

  /** Removes an offer answered by its framework, stopping its timer; its resources are the caller's. */
  void remove(OutstandingOffer offer) {
    if (unindex(offer.id()) != null && offer.timer() != null) {
      effects.cancel(offer.timer());
    }
  }

  /** Removes an offer and gives its resources back to the allocator, refused for {@code refuse}. */
  void takeBack(OutstandingOffer offer, Duration refuse) {
    remove(offer);
    allocator.recover(offer.frameworkId(), offer.agentId(), offer.role(), offer.resources(), refuse);
  }

  /** Takes back every offer of a framework; returns them, in the order they were made. */
  List<OutstandingOffer> takeBackAllOf(String frameworkId) {
    List<OutstandingOffer> taken = new ArrayList<>();
    for (String offerId : List.copyOf(offersOf(frameworkId).keySet())) {
      taken.add(offers.get(offerId));
    }
    taken.forEach(offer -> takeBack(offer, Duration.ZERO));
    return taken;
  }

  /** Takes back every offer on an agent; returns them, in the order they were made. */
  List<OutstandingOffer> takeBackAllOn(String agentId) {
    List<OutstandingOffer> taken = new ArrayList<>();
    for (OutstandingOffer offer : offers.values()) {
      if (offer.agentId().equals(agentId)) {
        taken.add(offer);
      }
    }
    taken.forEach(offer -> takeBack(offer, Duration.ZERO));
    return taken;
  }

  /**
   * An offer's timeout fired: it is removed and its resources go back to the allocator. Returns it,
   * or null when it was answered meanwhile.
   */
  OutstandingOffer expire(String offerId) {
    OutstandingOffer offer = unindex(offerId);
    if (offer != null) {
      allocator.recover(offer.frameworkId(), offer.agentId(), offer.role(), offer.resources(), Duration.ZERO);
    }
    return offer;
  }

  /** A framework's outstanding offers by id, read-only. */
  Map<String, Offer> offersOf(String frameworkId) {
    Map<String, Offer> own = byFramework.get(frameworkId);
    return own == null ? Map.of() : Collections.unmodifiableMap(own);
  }

  int size() {
    return offers.size();
  }

  /** What outstanding offers hold on an agent, allocated to their roles. */
  Resources offeredOn(String agentId) {
    Resources offered = Resources.empty();
    for (OutstandingOffer offer : offers.values()) {
      if (offer.agentId().equals(agentId)) {
        offered = offered.plus(offer.resources());
      }
    }
    return offered;
  }

  /** How long declined or unused resources stay refused to a framework, from its filter's seconds. */
  static Duration refuseDuration(double seconds) {
    if (Double.isNaN(seconds) || seconds <= 0) {
      return Duration.ZERO;
    }
    // Frameworks use huge values to mean "forever"; cap at a year so Instant arithmetic stays in range.
    double capped = Math.min(seconds, 365 * 24 * 3600.0);
    return Duration.ofMillis(Math.round(capped * 1000));
  }

  /** The one place an offer leaves the book, index included. */
  private OutstandingOffer unindex(String offerId) {
    OutstandingOffer offer = offers.remove(offerId);
    if (offer != null) {
      Map<String, Offer> own = byFramework.get(offer.frameworkId());
      own.remove(offerId);
      if (own.isEmpty()) {
        byFramework.remove(offer.frameworkId());
      }
    }
    return offer;
  }
}
