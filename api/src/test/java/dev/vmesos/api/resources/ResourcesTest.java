package dev.vmesos.api.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Resource.ReservationInfo;
import dev.vmesos.api.v1.Protos.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ResourcesTest {

  private static Resources r(String text) {
    return ResourcesParser.parse(text);
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static Resource dynamic(Resource resource, String role, String principal) {
    return resource.toBuilder().addReservations(ReservationInfo.newBuilder()
        .setType(ReservationInfo.Type.DYNAMIC).setRole(role).setPrincipal(principal)).build();
  }

  private static Resource volume(String id, double size) {
    Resource.Builder b = dynamic(scalar("disk", size), "db", "ops").toBuilder();
    b.getDiskBuilder().getPersistenceBuilder().setId(id);
    return b.build();
  }

  @Nested
  class FixedPoint {

    @Test
    void pointOnePlusPointTwoIsExactlyPointThree() {
      Resources sum = Resources.of(scalar("cpus", 0.1)).plus(Resources.of(scalar("cpus", 0.2)));

      assertThat(sum.scalar("cpus")).isEqualTo(0.3);
      assertThat(sum).isEqualTo(Resources.of(scalar("cpus", 0.3)));
      assertThat(sum.toString()).isEqualTo("cpus:0.3");
    }

    @Test
    void tenTenthsSubtractedFromOneLeavesNothing() {
      Resources left = r("cpus:1.0");
      for (int i = 0; i < 10; i++) {
        left = left.minus(r("cpus:0.1"));
      }
      assertThat(left.isEmpty()).isTrue();
      assertThat(left).isEqualTo(Resources.empty());
      assertThat(left.scalar("cpus")).isEqualTo(0.0);
    }

    @Test
    void inputIsStoredRounded() {
      Resources sloppy = Resources.of(scalar("cpus", 0.1 + 0.2)); // 0.30000000000000004

      assertThat(sloppy.toList().get(0).getScalar().getValue()).isEqualTo(0.3);
      assertThat(sloppy).isEqualTo(r("cpus:0.3"));
    }

    @Test
    void valuesAreRoundedToThousandths() {
      assertThat(Resources.of(scalar("cpus", 0.12345)).scalar("cpus")).isEqualTo(0.123);
      assertThat(Resources.of(scalar("cpus", 0.1235)).scalar("cpus")).isEqualTo(0.124);
      assertThat(Resources.of(scalar("cpus", 0.0001)).isEmpty()).isTrue();
    }

    @Test
    void subtractingMoreThanThereIsLeavesNothingNotANegative() {
      assertThat(r("cpus:1").minus(r("cpus:3")).isEmpty()).isTrue();
      assertThat(r("cpus:1;mem:5").minus(r("cpus:3"))).isEqualTo(r("mem:5"));
    }
  }

  @Nested
  class Ranges {

    @Test
    void addingMergesAdjacentAndOverlappingRanges() {
      assertThat(r("ports:[1-3]").plus(r("ports:[4-6]")).ranges("ports"))
          .containsExactly(new Resources.Range(1, 6));
      assertThat(r("ports:[1-3, 10-12]").plus(r("ports:[2-5, 7-7]")).ranges("ports"))
          .containsExactly(new Resources.Range(1, 5), new Resources.Range(7, 7), new Resources.Range(10, 12));
      assertThat(r("ports:[1-3]").plus(r("ports:[4-6]")).toList()).hasSize(1);
    }

    @Test
    void subtractingAPortSplitsTheRange() {
      Resources left = r("ports:[31000-32000]").minus(r("ports:[31005-31005]"));

      assertThat(left.ranges("ports"))
          .containsExactly(new Resources.Range(31000, 31004), new Resources.Range(31006, 32000));
      assertThat(left.plus(r("ports:[31005-31005]"))).isEqualTo(r("ports:[31000-32000]"));
    }

    @Test
    void subtractionAtEdgesAndAcrossRanges() {
      assertThat(r("ports:[1-10]").minus(r("ports:[1-3]")).ranges("ports")).containsExactly(new Resources.Range(4, 10));
      assertThat(r("ports:[1-10]").minus(r("ports:[8-20]")).ranges("ports")).containsExactly(new Resources.Range(1, 7));
      assertThat(r("ports:[1-10, 20-30]").minus(r("ports:[5-25]")).ranges("ports"))
          .containsExactly(new Resources.Range(1, 4), new Resources.Range(26, 30));
      assertThat(r("ports:[1-10]").minus(r("ports:[2-3, 5-6]")).ranges("ports"))
          .containsExactly(new Resources.Range(1, 1), new Resources.Range(4, 4), new Resources.Range(7, 10));
      assertThat(r("ports:[1-10]").minus(r("ports:[0-11]")).isEmpty()).isTrue();
      assertThat(r("ports:[1-10]").minus(r("ports:[20-30]"))).isEqualTo(r("ports:[1-10]"));
    }

    @Test
    void rangesUpToTheLargestLongDoNotOverflow() {
      long max = Long.MAX_VALUE;
      Resources all = r("ports:[0-" + max + "]");

      assertThat(all.minus(r("ports:[" + max + "-" + max + "]")).ranges("ports"))
          .containsExactly(new Resources.Range(0, max - 1));
      assertThat(r("ports:[0-" + (max - 1) + "]").plus(r("ports:[" + max + "-" + max + "]"))).isEqualTo(all);
    }

    @Test
    void rangesQueryUnitesAllRoles() {
      assertThat(r("ports:[1-2];ports(web):[3-4];ports(db):[8-9]").ranges("ports"))
          .containsExactly(new Resources.Range(1, 4), new Resources.Range(8, 9));
      assertThat(r("cpus:1").ranges("ports")).isEmpty();
    }
  }

  @Nested
  class Sets {

    @Test
    void addUnitesAndSubtractRemovesItems() {
      assertThat(r("gpus:{a,b}").plus(r("gpus:{b,c}"))).isEqualTo(r("gpus:{a,b,c}"));
      assertThat(r("gpus:{a,b,c}").minus(r("gpus:{b,x}"))).isEqualTo(r("gpus:{a,c}"));
      assertThat(r("gpus:{a}").minus(r("gpus:{a}")).isEmpty()).isTrue();
    }

    @Test
    void containsIsSuperset() {
      assertThat(r("gpus:{a,b,c}").contains(r("gpus:{a,c}"))).isTrue();
      assertThat(r("gpus:{a,b}").contains(r("gpus:{a,d}"))).isFalse();
    }
  }

  @Nested
  class Contains {

    @Test
    void scalarRangesAndSetsPerResource() {
      Resources agent = r("cpus:4;mem:1024;ports:[31000-32000];zones:{a,b}");

      assertThat(agent.contains(r("cpus:4;mem:512;ports:[31000-31010, 31500-31500];zones:{b}"))).isTrue();
      assertThat(agent.contains(r("cpus:4.001"))).isFalse();
      assertThat(agent.contains(r("ports:[31999-32001]"))).isFalse();
      assertThat(agent.contains(r("disk:1"))).isFalse();
      assertThat(agent.contains(Resources.empty())).isTrue();
      assertThat(Resources.empty().contains(agent)).isFalse();
    }

    @Test
    void reservedIsNotContainedInUnreservedNorTheOtherWay() {
      assertThat(r("cpus:8").contains(r("cpus(web):1"))).isFalse();
      assertThat(r("cpus(web):8").contains(r("cpus:1"))).isFalse();
      assertThat(r("cpus(web):8").contains(r("cpus(db):1"))).isFalse();
      assertThat(r("cpus(web):8;cpus:1").contains(r("cpus(web):2;cpus:1"))).isTrue();
    }

    @Test
    void rolesDoNotPoolTogether() {
      // 2 unreserved + 2 reserved are 4 cpus in total, but not 3 of either kind.
      Resources agent = r("cpus:2;cpus(web):2");

      assertThat(agent.scalar("cpus")).isEqualTo(4.0);
      assertThat(agent.contains(r("cpus:3"))).isFalse();
      assertThat(agent.contains(r("cpus(web):3"))).isFalse();
    }

    @Test
    void dynamicAndStaticReservationsToTheSameRoleDiffer() {
      Resources stat = r("cpus(web):4");
      Resources dyn = Resources.of(dynamic(scalar("cpus", 4), "web", "ops"));

      assertThat(stat.contains(dyn)).isFalse();
      assertThat(dyn.contains(stat)).isFalse();
      assertThat(stat.plus(dyn).toList()).hasSize(2);
    }

    @Test
    void allocationRoleMustMatch() {
      Resources offered = r("cpus:4").allocatedTo("web");

      assertThat(offered.contains(r("cpus:1").allocatedTo("web"))).isTrue();
      assertThat(offered.contains(r("cpus:1"))).isFalse();
      assertThat(offered.contains(r("cpus:1").allocatedTo("db"))).isFalse();
    }

    @Test
    void revocableIsSeparate() {
      Resource rev = scalar("cpus", 2).toBuilder().setRevocable(Resource.RevocableInfo.getDefaultInstance()).build();
      Resources both = Resources.of(rev, scalar("cpus", 2));

      assertThat(both.toList()).hasSize(2);
      assertThat(both.toString()).isEqualTo("cpus{REV}:2; cpus:2");
      assertThat(r("cpus:4").contains(Resources.of(rev))).isFalse();
    }
  }

  @Nested
  class VolumesAndShared {

    @Test
    void persistentVolumesNeverMergeAndSubtractOnlyWhole() {
      Resources two = Resources.of(volume("v1", 100), volume("v2", 100));

      assertThat(two.toList()).hasSize(2);
      assertThat(two.contains(Resources.of(volume("v1", 100)))).isTrue();
      assertThat(two.contains(Resources.of(volume("v1", 50)))).as("part of a volume").isFalse();
      assertThat(two.minus(Resources.of(volume("v1", 50)))).as("partial subtraction ignored").isEqualTo(two);
      assertThat(two.minus(Resources.of(volume("v1", 100)))).isEqualTo(Resources.of(volume("v2", 100)));
    }

    @Test
    void identicalVolumesAreCountedSeparately() {
      Resources one = Resources.of(volume("v1", 100));
      Resources twice = one.plus(one);

      assertThat(twice.toList()).hasSize(2);
      assertThat(twice.contains(twice)).isTrue();
      assertThat(one.contains(twice)).isFalse();
      assertThat(twice.minus(one)).isEqualTo(one);
    }

    @Test
    void sharedResourcesAreCountedNotSummed() {
      Resource shared = volume("v1", 100).toBuilder().setShared(Resource.SharedInfo.getDefaultInstance()).build();
      Resources once = Resources.of(shared);
      Resources twice = once.plus(once);

      assertThat(twice.toList()).containsExactly(shared);
      assertThat(twice.scalar("disk")).isEqualTo(100.0);
      assertThat(twice).isNotEqualTo(once);
      assertThat(twice.contains(twice)).isTrue();
      assertThat(once.contains(twice)).isFalse();
      assertThat(twice.minus(once)).isEqualTo(once);
      assertThat(twice.minus(twice).isEmpty()).isTrue();
    }
  }

  @Nested
  class Queries {

    @Test
    void scalarSumsOverRolesAndScalarsAreSortedByName() {
      Resources res = r("mem:100;cpus:1;cpus(web):0.5;disk(db):20;ports:[1-2]").allocatedTo("x").plus(r("cpus:0.25"));

      assertThat(res.scalar("cpus")).isEqualTo(1.75);
      assertThat(res.scalar("gpus")).isEqualTo(0.0);
      assertThat(res.scalars()).containsExactly(Map.entry("cpus", 1.75), Map.entry("disk", 20.0), Map.entry("mem", 100.0));
    }

    @Test
    void reservedToUnreservedAndAllocatableTo() {
      Resources res = r("cpus:1;cpus(eng):2;cpus(eng/web):4;cpus(ops):8");

      assertThat(res.reservedTo("eng")).isEqualTo(r("cpus(eng):2"));
      assertThat(res.reservedTo("*")).isEqualTo(Resources.empty());
      assertThat(res.unreserved()).isEqualTo(r("cpus:1"));
      assertThat(res.reserved().scalar("cpus")).isEqualTo(14.0);
      assertThat(res.allocatableTo("eng/web").scalar("cpus")).as("own, parent's and unreserved").isEqualTo(7.0);
      assertThat(res.allocatableTo("eng").scalar("cpus")).as("not a child's").isEqualTo(3.0);
      assertThat(res.allocatableTo("engineering").scalar("cpus")).as("prefix is not a parent").isEqualTo(1.0);
    }

    @Test
    void reservedToUsesTheLastReservationOfARefinedStack() {
      Resource refined = dynamic(r("cpus(eng):2").toList().get(0), "eng/web", "ops");
      Resources res = Resources.of(refined);

      assertThat(res.reservedTo("eng/web").scalar("cpus")).isEqualTo(2.0);
      assertThat(res.reservedTo("eng").isEmpty()).isTrue();
      assertThat(Resources.role(refined)).isEqualTo("eng/web");
    }

    @Test
    void allocatedToSetsTheRoleOnEveryResourceAndUnallocatedClearsIt() {
      Resources offer = r("cpus:1;mem(web):2;ports:[1-2]").allocatedTo("web");

      assertThat(offer.toList()).allSatisfy(res -> assertThat(res.getAllocationInfo().getRole()).isEqualTo("web"));
      assertThat(offer.toString()).isEqualTo("cpus(allocated: web):1; mem(allocated: web)(web):2; ports(allocated: web):[1-2]");
      assertThat(offer.unallocated()).isEqualTo(r("cpus:1;mem(web):2;ports:[1-2]"));
      assertThat(offer.unallocated().toList()).noneMatch(Resource::hasAllocationInfo);
    }

    @Test
    void filterStreamAndIteration() {
      Resources res = r("cpus:1;mem:2;ports:[1-2]");

      assertThat(res.filter(x -> x.getType() == Value.Type.SCALAR)).isEqualTo(r("cpus:1;mem:2"));
      assertThat(res.stream().map(Resource::getName)).containsExactly("cpus", "mem", "ports");
      assertThat(res).extracting(Resource::getName).containsExactly("cpus", "mem", "ports");
    }

    @Test
    void isImmutable() {
      Resources a = r("cpus:1");
      Resources b = a.plus(r("cpus:1"));

      assertThat(a.scalar("cpus")).isEqualTo(1.0);
      assertThat(b.scalar("cpus")).isEqualTo(2.0);
      assertThatThrownBy(() -> a.toList().add(scalar("mem", 1))).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Nested
  class Equality {

    @Test
    void orderDoesNotMatter() {
      Resources a = r("cpus:4;mem:8192;ports:[31000-32000];disk(role):100;zones:{a,b}");
      Resources b = r("zones:{b,a};disk(role):100;ports:[31000-31500,31501-32000];mem:8192;cpus:1;cpus:3");

      assertThat(a).isEqualTo(b);
      assertThat(a.hashCode()).isEqualTo(b.hashCode());
    }

    @Test
    void differencesAreNoticed() {
      Resources a = r("cpus:4;mem:8192");

      assertThat(a).isNotEqualTo(r("cpus:4;mem:8191"));
      assertThat(a).isNotEqualTo(r("cpus(web):4;mem:8192"));
      assertThat(a).isNotEqualTo(r("cpus:4"));
      assertThat(a).isNotEqualTo(a.allocatedTo("web"));
    }

    @Test
    void preAndPostRefinementInputAreTheSame() {
      @SuppressWarnings("deprecation")
      Resource old = scalar("cpus", 2).toBuilder().setRole("web").build();
      @SuppressWarnings("deprecation")
      Resource star = scalar("cpus", 2).toBuilder().setRole("*").build();

      assertThat(Resources.of(old)).isEqualTo(r("cpus(web):2"));
      assertThat(Resources.of(star)).isEqualTo(r("cpus:2"));
    }
  }

  @Nested
  class Validation {

    @Test
    void invalidResourcesAreRejected() {
      assertThatThrownBy(() -> Resources.of(scalar("cpus", -1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cpus").hasMessageContaining("negative");
      assertThatThrownBy(() -> Resources.of(scalar("cpus", Double.NaN)))
          .hasMessageContaining("not a finite number");
      Resource overlap = Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
          .setRanges(Value.Ranges.newBuilder().addRange(Values.range(1, 5)).addRange(Values.range(5, 9))).build();
      assertThatThrownBy(() -> Resources.of(overlap)).hasMessageContaining("overlap");
      Resource text = Resource.newBuilder().setName("os").setType(Value.Type.TEXT).build();
      assertThat(Resources.validate(text)).hasValueSatisfying(m -> assertThat(m).contains("TEXT"));
      Resource wrongField = Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR)
          .setRanges(Value.Ranges.getDefaultInstance()).build();
      assertThat(Resources.validate(wrongField)).isPresent();
      Resource starReservation = scalar("cpus", 1).toBuilder().addReservations(
          ReservationInfo.newBuilder().setType(ReservationInfo.Type.STATIC).setRole("*")).build();
      assertThat(Resources.validate(starReservation)).hasValueSatisfying(m -> assertThat(m).contains("'*'"));
      assertThat(Resources.validate(scalar("cpus", 1))).isEmpty();
    }

    @Test
    void zeroResourcesAreDropped() {
      assertThat(Resources.of(scalar("cpus", 0), scalar("mem", 1)).toList()).containsExactly(scalar("mem", 1));
      assertThat(Resources.of(List.of()).isEmpty()).isTrue();
    }
  }
}
