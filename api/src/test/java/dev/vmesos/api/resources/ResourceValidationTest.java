package dev.vmesos.api.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Resource.ReservationInfo;
import dev.vmesos.api.v1.Protos.Value;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResourceValidationTest {

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static Resource ranges(String name, long... bounds) {
    Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
    for (int i = 0; i < bounds.length; i += 2) {
      ranges.addRange(Value.Range.newBuilder().setBegin(bounds[i]).setEnd(bounds[i + 1]));
    }
    return Resource.newBuilder().setName(name).setType(Value.Type.RANGES).setRanges(ranges).build();
  }

  private static Resource set(String name, String... items) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SET)
        .setSet(Value.Set.newBuilder().addAllItem(List.of(items))).build();
  }

  private static String error(Resource resource) {
    return ResourceValidation.validate(resource).orElse(null);
  }

  @Test
  void validResourcesPassAndResourcesOfTakesThem() {
    List<Resource> valid = List.of(scalar("cpus", 0.5), scalar("mem", 0), ranges("ports", 0, 0, 31000, 32000, 65535, 65535),
        set("zones", "a", "b"), ranges("vlans", 1L << 40, (1L << 40) + 5), scalar("custom", ResourceValidation.MAX_SCALAR));

    assertThat(ResourceValidation.validate(valid)).isEmpty();
    assertThatCode(() -> Resources.of(valid)).doesNotThrowAnyException();
  }

  @Test
  void negativeNanAndInfiniteScalarsAreInvalid() {
    assertThat(error(scalar("cpus", -1))).isEqualTo("Invalid scalar resource: value < 0");
    assertThat(error(scalar("cpus", Double.NaN))).isEqualTo("Invalid scalar resource: value NaN is not a finite number");
    assertThat(error(scalar("mem", Double.POSITIVE_INFINITY)))
        .isEqualTo("Invalid scalar resource: value Infinity is not a finite number");
    assertThat(error(scalar("mem", Double.NEGATIVE_INFINITY))).contains("-Infinity is not a finite number");
    assertThat(error(scalar("disk", 1e13))).isEqualTo("Invalid scalar resource: value 10000000000000 exceeds 1000000000000");
  }

  @Test
  void theListMessageNamesTheResourceAsMesosDoes() {
    assertThat(ResourceValidation.validate(List.of(scalar("mem", 64), scalar("cpus", -1))))
        .contains("Resource 'cpus:-1' is invalid: Invalid scalar resource: value < 0");
  }

  @Test
  void rangesMustBeOrderedDisjointAndInBounds() {
    assertThat(error(ranges("ports", 32000, 31000))).isEqualTo("Invalid ranges resource: begin > end (32000-31000)");
    assertThat(error(ranges("ports", 31000, 70000))).isEqualTo("Invalid ranges resource: 31000-70000 is outside 0-65535");
    assertThat(error(ranges("ports", 65536, 65536))).contains("is outside 0-65535");
    assertThat(error(ranges("ports", 1, 10, 5, 20))).isEqualTo("Invalid ranges resource: overlapping ranges");
    assertThat(error(ranges("vlans", -1, -1)))
        .as("a uint64 above 2^63-1 reads as a negative long").isEqualTo(
            "Invalid ranges resource: 18446744073709551615-18446744073709551615 is outside 0-" + Long.MAX_VALUE);
  }

  @Test
  void theValueMustMatchTheType() {
    Resource scalarWithRanges = scalar("custom", 1).toBuilder()
        .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(1).setEnd(2))).build();
    assertThat(error(scalarWithRanges)).isEqualTo("Invalid scalar resource");
    assertThat(error(Resource.newBuilder().setName("custom").setType(Value.Type.SCALAR).build()))
        .isEqualTo("Invalid scalar resource");
    assertThat(error(Resource.newBuilder().setName("custom").setType(Value.Type.RANGES).build()))
        .isEqualTo("Invalid ranges resource");
    assertThat(error(Resource.newBuilder().setName("custom").setType(Value.Type.SET).build()))
        .isEqualTo("Invalid set resource");
    assertThat(error(set("zones", "a", "a"))).isEqualTo("Invalid set resource: duplicated elements");
    assertThat(error(Resource.newBuilder().setName("custom").setType(Value.Type.TEXT).build()))
        .isEqualTo("Unsupported resource type TEXT");
    assertThat(error(scalar("", 1))).isEqualTo("Empty resource name");
  }

  @Test
  void wellKnownResourcesHaveTheirType() {
    assertThat(error(ranges("cpus", 1, 2))).isEqualTo("Invalid resource type: 'cpus' must be SCALAR, not RANGES");
    assertThat(error(set("mem", "a"))).isEqualTo("Invalid resource type: 'mem' must be SCALAR, not SET");
    assertThat(error(scalar("ports", 10))).isEqualTo("Invalid resource type: 'ports' must be RANGES, not SCALAR");
    assertThat(error(ranges("gpus", 0, 1))).contains("'gpus' must be SCALAR");
    assertThat(error(ranges("disk", 0, 1))).contains("'disk' must be SCALAR");
  }

  @Test
  void reservationsAreCheckedAsResourcesOfChecksThem() {
    Resource reservedToStar = scalar("cpus", 1).toBuilder().addReservations(ReservationInfo.newBuilder()
        .setType(ReservationInfo.Type.DYNAMIC).setRole("*")).build();

    Optional<String> error = ResourceValidation.validate(reservedToStar);

    assertThat(error).contains("cpus: a reservation cannot be for role '*'");
  }
}
