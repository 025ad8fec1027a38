package dev.vmesos.master.allocator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Weighted random order, as Mesos's random sorter: each {@link #first()} draws an active client
 * with probability proportional to its weight; allocations are tracked but do not affect the order.
 */
public final class RandomSorter implements Sorter {

  private static final class Client {
    double weight;
    Quantities allocation = Quantities.EMPTY;
    boolean active;

    Client(double weight) {
      this.weight = weight;
    }
  }

  private final Random random;
  private final Map<String, Client> clients = new HashMap<>();
  private final Map<String, Client> active = new LinkedHashMap<>();
  private Quantities total = Quantities.EMPTY;

  public RandomSorter(Random random) {
    this.random = random;
  }

  @Override
  public void add(String client, double weight) {
    if (clients.putIfAbsent(client, new Client(weight)) != null) {
      throw new IllegalArgumentException("Client '" + client + "' is already in the sorter");
    }
  }

  @Override
  public void remove(String client) {
    clients.remove(client);
    active.remove(client);
  }

  @Override
  public boolean contains(String client) {
    return clients.containsKey(client);
  }

  @Override
  public void activate(String client) {
    Client c = client(client);
    c.active = true;
    active.put(client, c);
  }

  @Override
  public void deactivate(String client) {
    client(client).active = false;
    active.remove(client);
  }

  @Override
  public boolean isActive(String client) {
    Client c = clients.get(client);
    return c != null && c.active;
  }

  @Override
  public void updateWeight(String client, double weight) {
    client(client).weight = weight;
  }

  @Override
  public double weight(String client) {
    return client(client).weight;
  }

  @Override
  public void allocated(String client, Quantities quantities) {
    Client c = client(client);
    c.allocation = c.allocation.plus(quantities);
  }

  @Override
  public void unallocated(String client, Quantities quantities) {
    Client c = client(client);
    c.allocation = c.allocation.minus(quantities);
  }

  @Override
  public Quantities allocation(String client) {
    return client(client).allocation;
  }

  @Override
  public void total(Quantities newTotal) {
    total = newTotal;
  }

  @Override
  public String first() {
    return draw(active);
  }

  /** A weighted random permutation of the active clients. */
  @Override
  public List<String> sort() {
    List<String> order = new ArrayList<>();
    Map<String, Client> left = new LinkedHashMap<>(active);
    while (!left.isEmpty()) {
      String chosen = draw(left);
      order.add(chosen);
      left.remove(chosen);
    }
    return order;
  }

  /** One client drawn with probability proportional to its weight; null when there is none. */
  private String draw(Map<String, Client> candidates) {
    double sum = 0;
    for (Client c : candidates.values()) {
      sum += c.weight;
    }
    double pick = random.nextDouble() * sum;
    String last = null;
    for (Map.Entry<String, Client> e : candidates.entrySet()) {
      pick -= e.getValue().weight;
      last = e.getKey();
      if (pick < 0) {
        return last;
      }
    }
    return last;
  }

  /** The dominant share (for metrics); it plays no part in the order. */
  @Override
  public double share(String client) {
    return client(client).allocation.dominantShare(total);
  }

  private Client client(String name) {
    Client c = clients.get(name);
    if (c == null) {
      throw new IllegalArgumentException("Unknown sorter client '" + name + "'");
    }
    return c;
  }
}
