package dev.vmesos.master.state;

import dev.vmesos.api.resources.Resources;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Per framework, what it last did with its offers: when it last used one (an ACCEPT that launched a
 * task or performed an operation), the scalar shape of the last task it launched, and the scalar
 * shape of what it last declined. Cheap bookkeeping on the accept and decline paths (one map entry
 * per framework); read by the vmesos extension GET_PENDING and GET_FRAGMENTATION. Owned by the
 * master's event loop.
 */
public final class OfferUse {

  /**
   * What one framework last did.
   *
   * @param lastUsed      when it last used an offer; null if never
   * @param launchShape   scalar resources of the last task (or task group) it launched; null if none
   * @param declineShape  scalar resources of the offer(s) it last declined (largest per name); null if none
   * @param lastDeclined  when it last declined; null if never
   */
  public record Entry(Instant lastUsed, Map<String, Double> launchShape, Map<String, Double> declineShape,
                      Instant lastDeclined) {
  }

  private final Map<String, Entry> entries = new HashMap<>();

  /** The framework's record; null when it has done nothing with offers yet. */
  public Entry of(String frameworkId) {
    return entries.get(frameworkId);
  }

  void used(String frameworkId, Instant when) {
    Entry e = entries.get(frameworkId);
    entries.put(frameworkId, e == null ? new Entry(when, null, null, null)
        : new Entry(when, e.launchShape(), e.declineShape(), e.lastDeclined()));
  }

  void launched(String frameworkId, Resources shape, Instant when) {
    Entry e = entries.get(frameworkId);
    Map<String, Double> scalars = Map.copyOf(shape.scalars());
    entries.put(frameworkId, e == null ? new Entry(when, scalars, null, null)
        : new Entry(when, scalars, e.declineShape(), e.lastDeclined()));
  }

  /** One DECLINE (or ACCEPT without operations) of offers holding {@code offered} in all. */
  void declined(String frameworkId, Map<String, Double> offered, Instant when) {
    if (offered.isEmpty()) {
      return;
    }
    Entry e = entries.get(frameworkId);
    Map<String, Double> scalars = Map.copyOf(offered);
    entries.put(frameworkId, e == null ? new Entry(null, null, scalars, when)
        : new Entry(e.lastUsed(), e.launchShape(), scalars, when));
  }

  void forget(String frameworkId) {
    entries.remove(frameworkId);
  }

  /** The largest of each scalar over two shapes: what one DECLINE of several offers turned down at most. */
  static Map<String, Double> largest(Map<String, Double> a, Resources offer) {
    Map<String, Double> out = new HashMap<>(a);
    offer.scalars().forEach((name, value) -> out.merge(name, value, Math::max));
    return out;
  }
}
