package dev.vmesos.master.state;

import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Value;

/** Resources as a framework writes them, for the master's tests (values may be invalid on purpose). */
final class TestResources {

  private TestResources() {
  }

  static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  static Resource ports(long begin, long end) {
    return Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
        .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end)))
        .build();
  }
}
