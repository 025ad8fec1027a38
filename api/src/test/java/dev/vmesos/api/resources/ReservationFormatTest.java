package dev.vmesos.api.resources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.v1.Protos.Label;
import dev.vmesos.api.v1.Protos.Labels;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Resource.ReservationInfo;
import dev.vmesos.api.v1.Protos.Value;
import org.junit.jupiter.api.Test;

/** Conversions between the pre- and post-reservation-refinement formats (resources_utils.cpp). */
@SuppressWarnings("deprecation") // the pre-refinement fields are what is under test
class ReservationFormatTest {

  private static final Labels LABELS =
      Labels.newBuilder().addLabels(Label.newBuilder().setKey("k").setValue("v")).build();

  private static Resource cpus(double value) {
    return Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static ReservationInfo reservation(ReservationInfo.Type type, String role) {
    return ReservationInfo.newBuilder().setType(type).setRole(role).build();
  }

  @Test
  void unreservedBecomesRoleStar() {
    Resource pre = Resources.toPreRefinement(cpus(1));

    assertThat(pre.hasRole()).isTrue();
    assertThat(pre.getRole()).isEqualTo("*");
    assertThat(pre.hasReservation()).isFalse();
    assertThat(pre.getReservationsCount()).isZero();
  }

  @Test
  void staticReservationBecomesRoleOnly() {
    Resource post = cpus(1).toBuilder().addReservations(reservation(ReservationInfo.Type.STATIC, "web")).build();

    Resource pre = Resources.toPreRefinement(post);

    assertThat(pre.getRole()).isEqualTo("web");
    assertThat(pre.hasReservation()).isFalse();
    assertThat(pre.getReservationsCount()).isZero();
  }

  @Test
  void dynamicReservationMovesToTheSingularField() {
    Resource post = cpus(1).toBuilder().addReservations(reservation(ReservationInfo.Type.DYNAMIC, "web")
        .toBuilder().setPrincipal("ops").setLabels(LABELS)).build();

    Resource pre = Resources.toPreRefinement(post);

    assertThat(pre.getRole()).isEqualTo("web");
    assertThat(pre.getReservationsCount()).isZero();
    assertThat(pre.getReservation()).isEqualTo(ReservationInfo.newBuilder().setPrincipal("ops").setLabels(LABELS).build());
    assertThat(Resources.toPostRefinement(pre)).isEqualTo(post);
  }

  @Test
  void refinedReservationIsLeftInPostFormat() {
    Resource refined = cpus(1).toBuilder()
        .addReservations(reservation(ReservationInfo.Type.STATIC, "eng"))
        .addReservations(reservation(ReservationInfo.Type.DYNAMIC, "eng/web")).build();

    assertThat(Resources.toPreRefinement(refined)).isEqualTo(refined);
  }

  @Test
  void oldRoleBecomesAStaticReservation() {
    Resource post = Resources.toPostRefinement(cpus(1).toBuilder().setRole("web").build());

    assertThat(post.hasRole()).isFalse();
    assertThat(post.getReservationsList()).containsExactly(reservation(ReservationInfo.Type.STATIC, "web"));
  }

  @Test
  void oldRoleWithReservationBecomesADynamicReservation() {
    Resource old = cpus(1).toBuilder().setRole("web")
        .setReservation(ReservationInfo.newBuilder().setPrincipal("ops").setLabels(LABELS)).build();

    Resource post = Resources.toPostRefinement(old);

    assertThat(post.hasRole()).isFalse();
    assertThat(post.hasReservation()).isFalse();
    assertThat(post.getReservationsList()).containsExactly(ReservationInfo.newBuilder()
        .setType(ReservationInfo.Type.DYNAMIC).setRole("web").setPrincipal("ops").setLabels(LABELS).build());
    assertThat(Resources.toPreRefinement(post)).isEqualTo(old);
  }

  @Test
  void roleStarIsUnreservedAndCleared() {
    Resource post = Resources.toPostRefinement(cpus(1).toBuilder().setRole("*").build());

    assertThat(post).isEqualTo(cpus(1));
  }

  @Test
  void postFormatIsLeftAloneAndLegacyCopiesOfTheRoleAreDropped() {
    Resource post = cpus(1).toBuilder().addReservations(reservation(ReservationInfo.Type.STATIC, "web")).build();

    assertThat(Resources.toPostRefinement(post)).isSameAs(post);
    assertThat(Resources.toPostRefinement(post.toBuilder().setRole("web").build())).isEqualTo(post);
  }

  @Test
  void roleReadsEitherFormat() {
    assertThat(Resources.role(cpus(1))).isEqualTo("*");
    assertThat(Resources.role(cpus(1).toBuilder().setRole("*").build())).isEqualTo("*");
    assertThat(Resources.role(cpus(1).toBuilder().setRole("web").build())).isEqualTo("web");
    assertThat(Resources.role(cpus(1).toBuilder()
        .addReservations(reservation(ReservationInfo.Type.STATIC, "eng"))
        .addReservations(reservation(ReservationInfo.Type.DYNAMIC, "eng/web")).build())).isEqualTo("eng/web");
  }

  @Test
  void collectionConvertsEveryResource() {
    Resources res = ResourcesParser.parse("cpus:1;mem(web):2");

    assertThat(res.toPreRefinement()).extracting(Resource::getRole).containsExactly("*", "web");
    assertThat(res.toPreRefinement()).allSatisfy(r -> assertThat(r.getReservationsCount()).isZero());
    assertThat(Resources.of(res.toPreRefinement())).isEqualTo(res);
  }
}
