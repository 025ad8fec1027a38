package dev.vmesos.master.allocator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Weighted dominant resource fairness: a client's share is the largest, over all scalar resources,
 * of its allocation divided by the total, divided by its weight; the lowest share goes first, ties
 * broken by fewer allocations, then by name (as Mesos's DRFSorter). With {@link #maxMin(String)} the
 * share looks at one named resource only: max-min fairness on that resource.
 *
 * <p>Active clients sit in a tree ordered by share, updated on every allocation, so {@link #first()}
 * is O(1) and an allocation O(log n); a change of the total re-ranks everyone once, lazily.
 */
public final class DrfSorter implements Sorter {

  private static final Comparator<Client> ORDER = Comparator.<Client>comparingDouble(c -> c.share)
      .thenComparingLong(c -> c.allocations)
      .thenComparing(c -> c.name);

  private static final class Client {
    final String name;
    double weight;
    Quantities allocation = Quantities.EMPTY;
    long allocations;
    double share;
    boolean active;

    Client(String name, double weight) {
      this.name = name;
      this.weight = weight;
    }
  }

  /** -1: dominant share over every resource; otherwise the index of the one resource. */
  private final int resource;
  private final Map<String, Client> clients = new HashMap<>();
  private final TreeSet<Client> ordered = new TreeSet<>(ORDER);
  private Quantities total = Quantities.EMPTY;
  private boolean stale;

  private DrfSorter(int resource) {
    this.resource = resource;
  }

  public static DrfSorter dominantShare() {
    return new DrfSorter(-1);
  }

  public static DrfSorter maxMin(String resourceName) {
    return new DrfSorter(Quantities.index(resourceName));
  }

  @Override
  public void add(String client, double weight) {
    if (clients.containsKey(client)) {
      throw new IllegalArgumentException("Client '" + client + "' is already in the sorter");
    }
    Client c = new Client(client, weight);
    c.share = computeShare(c);
    clients.put(client, c);
  }

  @Override
  public void remove(String client) {
    Client c = clients.remove(client);
    if (c != null && c.active) {
      ordered.remove(c);
    }
  }

  @Override
  public boolean contains(String client) {
    return clients.containsKey(client);
  }

  @Override
  public void activate(String client) {
    Client c = client(client);
    if (!c.active) {
      refresh();
      c.active = true;
      ordered.add(c);
    }
  }

  @Override
  public void deactivate(String client) {
    Client c = client(client);
    if (c.active) {
      ordered.remove(c);
      c.active = false;
    }
  }

  @Override
  public boolean isActive(String client) {
    Client c = clients.get(client);
    return c != null && c.active;
  }

  @Override
  public void updateWeight(String client, double weight) {
    Client c = client(client);
    update(c, () -> c.weight = weight);
  }

  @Override
  public void allocated(String client, Quantities quantities) {
    Client c = client(client);
    update(c, () -> {
      c.allocation = c.allocation.plus(quantities);
      c.allocations++;
    });
  }

  @Override
  public void unallocated(String client, Quantities quantities) {
    Client c = client(client);
    update(c, () -> c.allocation = c.allocation.minus(quantities));
  }

  @Override
  public Quantities allocation(String client) {
    return client(client).allocation;
  }

  @Override
  public void total(Quantities newTotal) {
    total = newTotal;
    stale = true;
  }

  @Override
  public String first() {
    refresh();
    return ordered.isEmpty() ? null : ordered.first().name;
  }

  @Override
  public List<String> sort() {
    refresh();
    List<String> names = new ArrayList<>(ordered.size());
    for (Client c : ordered) {
      names.add(c.name);
    }
    return names;
  }

  @Override
  public double weight(String client) {
    return client(client).weight;
  }

  @Override
  public double share(String client) {
    refresh();
    return client(client).share;
  }

  private void update(Client c, Runnable change) {
    if (c.active && !stale) {
      ordered.remove(c);
      change.run();
      c.share = computeShare(c);
      ordered.add(c);
    } else {
      change.run();
      c.share = computeShare(c);
    }
  }

  /** Re-ranks everyone after the total changed. */
  private void refresh() {
    if (!stale) {
      return;
    }
    stale = false;
    ordered.clear();
    for (Client c : clients.values()) {
      c.share = computeShare(c);
      if (c.active) {
        ordered.add(c);
      }
    }
  }

  private double computeShare(Client c) {
    double share = 0;
    if (resource >= 0) {
      double t = total.get(resource);
      share = t > 0 ? c.allocation.get(resource) / t : 0;
    } else {
      share = c.allocation.dominantShare(total);
    }
    return share / c.weight;
  }

  private Client client(String name) {
    Client c = clients.get(name);
    if (c == null) {
      throw new IllegalArgumentException("Unknown sorter client '" + name + "'");
    }
    return c;
  }
}
