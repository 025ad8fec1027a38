package dev.vmesos.master.allocator;

import java.util.List;
import java.util.Map;

/**
 * How the allocator is set up, from master flags.
 *
 * @param roleSorter      {@code drf}, {@code random} or {@code maxmin:<resource>} ({@code --role_sorter})
 * @param frameworkSorter the same choices, for frameworks within a role ({@code --framework_sorter})
 * @param weights         role weights ({@code --weights}); missing roles weigh 1
 * @param minAllocatable  global minimum worth offering: any one alternative suffices
 *                        ({@code --min_allocatable_resources}, default cpus:0.01 | mem:32)
 * @param quotas          quotas by role ({@code --quota})
 */
public record AllocatorConfig(String roleSorter, String frameworkSorter, Map<String, Double> weights,
                              List<Map<String, Double>> minAllocatable, Map<String, Quota> quotas) {

  public static final List<Map<String, Double>> DEFAULT_MIN_ALLOCATABLE =
      List.of(Map.of("cpus", 0.01), Map.of("mem", 32.0));

  public AllocatorConfig {
    Sorters.validate(roleSorter);
    Sorters.validate(frameworkSorter);
    weights = Map.copyOf(weights);
    for (Map.Entry<String, Double> w : weights.entrySet()) {
      if (!(w.getValue() > 0) || w.getValue().isInfinite()) {
        throw new IllegalArgumentException("Weight of role '" + w.getKey() + "' must be a positive number");
      }
    }
    minAllocatable = List.copyOf(minAllocatable);
    quotas = Map.copyOf(quotas);
  }

  public static AllocatorConfig defaults() {
    return new AllocatorConfig("drf", "drf", Map.of(), DEFAULT_MIN_ALLOCATABLE, Map.of());
  }

  public AllocatorConfig withSorters(String roles, String frameworks) {
    return new AllocatorConfig(roles, frameworks, weights, minAllocatable, quotas);
  }

  public AllocatorConfig withWeights(Map<String, Double> newWeights) {
    return new AllocatorConfig(roleSorter, frameworkSorter, newWeights, minAllocatable, quotas);
  }

  public AllocatorConfig withQuotas(Map<String, Quota> newQuotas) {
    return new AllocatorConfig(roleSorter, frameworkSorter, weights, minAllocatable, newQuotas);
  }
}
