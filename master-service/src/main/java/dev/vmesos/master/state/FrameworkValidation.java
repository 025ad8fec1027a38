package dev.vmesos.master.state;

import dev.vmesos.api.v1.Protos.FrameworkInfo;

/** Checks a FrameworkInfo from SUBSCRIBE as Mesos does; answers an error message or null. */
public final class FrameworkValidation {

  private FrameworkValidation() {
  }

  public static String validate(FrameworkInfo info) {
    boolean multiRole = hasCapability(info, FrameworkInfo.Capability.Type.MULTI_ROLE);
    if (info.getRolesCount() > 0 && !multiRole) {
      return "'FrameworkInfo.roles' is set but the framework does not have the MULTI_ROLE capability";
    }
    if (multiRole && info.hasRole()) {
      return "'FrameworkInfo.role' must not be set for a MULTI_ROLE framework; use 'roles'";
    }
    if (info.hasRole()) {
      String error = validateRole(info.getRole());
      if (error != null) {
        return error;
      }
    }
    for (String role : info.getRolesList()) {
      String error = validateRole(role);
      if (error != null) {
        return error;
      }
    }
    if (info.getRolesList().stream().distinct().count() != info.getRolesCount()) {
      return "'FrameworkInfo.roles' contains duplicate roles";
    }
    if (info.getFailoverTimeout() < 0 || Double.isNaN(info.getFailoverTimeout())) {
      return "'FrameworkInfo.failover_timeout' must be a non-negative number of seconds";
    }
    return null;
  }

  /** Mesos role names: not empty, '.' or '..', no leading '-', no whitespace, slashes only between parts. */
  static String validateRole(String role) {
    if (role.equals("*")) {
      return null;
    }
    if (role.isEmpty() || role.equals(".") || role.equals("..")) {
      return "Invalid role '" + role + "': empty, '.' and '..' are not allowed";
    }
    if (role.startsWith("-")) {
      return "Invalid role '" + role + "': it must not start with '-'";
    }
    if (role.startsWith("/") || role.endsWith("/") || role.contains("//")) {
      return "Invalid role '" + role + "': '/' may only separate path components";
    }
    for (String part : role.split("/")) {
      if (part.equals(".") || part.equals("..") || part.equals("*")) {
        return "Invalid role '" + role + "': '" + part + "' is not allowed as a path component";
      }
    }
    for (int i = 0; i < role.length(); i++) {
      char c = role.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        return "Invalid role '" + role + "': whitespace and control characters are not allowed";
      }
    }
    return null;
  }

  public static boolean hasCapability(FrameworkInfo info, FrameworkInfo.Capability.Type type) {
    for (FrameworkInfo.Capability capability : info.getCapabilitiesList()) {
      if (capability.getType() == type) {
        return true;
      }
    }
    return false;
  }
}
