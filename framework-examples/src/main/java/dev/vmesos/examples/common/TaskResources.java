package dev.vmesos.examples.common;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Value;
import java.util.List;

/**
 * What one task of an example framework asks for, and how many such tasks fit in what an offer
 * holds. Pure arithmetic on cpus and mem.
 */
public record TaskResources(double cpus, double mem) {

  public TaskResources {
    if (!(cpus > 0) || !(mem > 0)) {
      throw new IllegalArgumentException("a task needs cpus > 0 and mem > 0, got cpus:" + cpus + ";mem:" + mem);
    }
  }

  /** How many tasks fit in {@code offered}; small rounding errors of the offered doubles are forgiven. */
  public int fitIn(Resources offered) {
    double epsilon = 1e-9;
    int byCpus = (int) Math.floor((offered.scalar("cpus") + epsilon) / cpus);
    int byMem = (int) Math.floor((offered.scalar("mem") + epsilon) / mem);
    return Math.max(0, Math.min(byCpus, byMem));
  }

  public List<Resource> asResources() {
    return List.of(scalar("cpus", cpus), scalar("mem", mem));
  }

  @Override
  public String toString() {
    return "cpus:" + cpus + ";mem:" + mem;
  }

  static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }
}
