package dev.vmesos.master.allocator;

import java.util.List;

/**
 * Orders clients (roles, or frameworks within a role) for allocation: the allocator offers to
 * {@link #first()} and reports what it allocated, so the next {@code first()} reflects it. Only
 * active clients are ordered. Implementations: {@link DrfSorter} (weighted dominant share, or
 * max-min on one resource) and {@link RandomSorter} (weighted random).
 */
public interface Sorter {

  /** Adds an inactive client with a weight (> 0). */
  void add(String client, double weight);

  void remove(String client);

  boolean contains(String client);

  void activate(String client);

  void deactivate(String client);

  boolean isActive(String client);

  void updateWeight(String client, double weight);

  double weight(String client);

  /** Resources offered or allocated to the client. */
  void allocated(String client, Quantities quantities);

  /** Resources the client gave back. */
  void unallocated(String client, Quantities quantities);

  /** What the client holds. */
  Quantities allocation(String client);

  /** The pool shares are measured against (the cluster's total). */
  void total(Quantities total);

  /** The active client to offer to next, or null when none is active. */
  String first();

  /** All active clients, in the order they would be offered to. */
  List<String> sort();

  /** The client's share as this sorter ranks it (dominant share ÷ weight for DRF). */
  double share(String client);
}
