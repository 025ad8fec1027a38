package dev.vmesos.master.extensions;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.function.Predicate;

/**
 * One sample of the dominant shares: every role's share as the role sorter ranks it (weighted) and
 * every framework's share in each of its roles as that role's framework sorter ranks it.
 *
 * @param time       seconds since the epoch
 * @param roles      by role name
 * @param frameworks by framework id, then role
 */
record ShareSample(double time, List<Role> roles, List<Framework> frameworks) {

  record Role(String role, double weight, double share) {
  }

  /** @param user the framework's user, for {@code view_frameworks} filtering; not shown */
  record Framework(String frameworkId, String name, String role, String user, double share) {
  }

  /** The sample as Seam 1 shows it, with only the frameworks {@code visible} lets through. */
  JsonObject toJson(Predicate<Framework> visible) {
    JsonArray roleArray = new JsonArray();
    for (Role r : roles) {
      roleArray.add(new JsonObject().put("role", r.role()).put("weight", r.weight()).put("share", r.share()));
    }
    JsonArray frameworkArray = new JsonArray();
    for (Framework f : frameworks) {
      if (visible.test(f)) {
        frameworkArray.add(new JsonObject().put("framework_id", f.frameworkId()).put("name", f.name())
            .put("role", f.role()).put("share", f.share()));
      }
    }
    return new JsonObject().put("time", seconds(time)).put("roles", roleArray).put("frameworks", frameworkArray);
  }

  /** Seconds to the millisecond, written plainly ({@code 1765000000.5}, not {@code 1.7650000005E9}). */
  static BigDecimal seconds(double seconds) {
    return BigDecimal.valueOf(seconds).setScale(3, RoundingMode.HALF_UP);
  }
}
