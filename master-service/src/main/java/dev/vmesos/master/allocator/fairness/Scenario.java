package dev.vmesos.master.allocator.fairness;

import dev.vmesos.master.allocator.fairness.Fairness.Framework;
import dev.vmesos.master.allocator.fairness.Fairness.User;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A fairness scenario to simulate: a {@link Drf} cluster with frameworks running identical tasks,
 * or a {@link MaxMin} split of one resource. Amounts are in Mesos units (cpus, mem in MB).
 */
public sealed interface Scenario permits Scenario.Drf, Scenario.MaxMin {

  /** Names double as framework ids and roles in the allocator, so they keep to a safe alphabet. */
  Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  String name();

  /** One line saying what the scenario is and where it comes from. */
  String description();

  /**
   * Dominant resource fairness. With {@code rolePerFramework} each framework registers in a role of
   * its own name, and its weight is that role's weight; otherwise all share the role {@code *},
   * where weights cannot apply (Mesos weighs roles, not frameworks).
   */
  record Drf(String name, String description, Map<String, Double> totals, List<Framework> frameworks,
             boolean rolePerFramework) implements Scenario {

    public Drf {
      totals = Fairness.vector(totals, "totals");
      frameworks = List.copyOf(frameworks);
      for (Framework f : frameworks) {
        if (!NAME.matcher(f.name()).matches()) {
          throw new IllegalArgumentException("Framework name '" + f.name()
              + "' may only use letters, digits, '.', '_' and '-' (it is also a role name)");
        }
        if (f.weight() != 1 && !rolePerFramework) {
          throw new IllegalArgumentException("Framework '" + f.name() + "' has a weight, but weights belong to"
              + " roles: give each framework its own role");
        }
      }
    }

    public Drf(String name, String description, Map<String, Double> totals, List<Framework> frameworks) {
      this(name, description, totals, frameworks, false);
    }

    /** The role framework {@code f} registers in. */
    public String role(Framework f) {
      return rolePerFramework ? f.name() : "*";
    }
  }

  /** Max-min fairness on one resource of size {@code capacity}. */
  record MaxMin(String name, String description, double capacity, List<User> users) implements Scenario {

    public MaxMin {
      users = List.copyOf(users);
    }
  }
}
