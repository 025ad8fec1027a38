package dev.vmesos.api.resources;

import java.util.Optional;

/**
 * Role names as Mesos accepts them. Roles may be hierarchical ({@code eng/frontend}); {@code "*"} is
 * the pseudo-role of unreserved resources.
 */
public final class Roles {

  /** The role of unreserved resources. */
  public static final String UNRESERVED = "*";

  private Roles() {}

  /**
   * Why {@code role} is not a valid role name, or empty if it is. Follows Mesos
   * {@code roles::validate}: no empty name, no leading, trailing or doubled {@code /}, no path
   * component that is {@code .}, {@code ..} or {@code *} or that starts with {@code -}, and no
   * whitespace or backslash.
   */
  public static Optional<String> validate(String role) {
    if (role.equals(UNRESERVED)) {
      return Optional.empty();
    }
    if (role.isEmpty()) {
      return Optional.of("a role name cannot be empty");
    }
    for (int i = 0; i < role.length(); i++) {
      char c = role.charAt(i);
      if (Character.isWhitespace(c) || c == '\\' || Character.isISOControl(c)) {
        return Optional.of("role '" + role + "' contains an invalid character"
            + (Character.isWhitespace(c) ? " (whitespace)" : " '" + c + "'"));
      }
    }
    if (role.startsWith("/") || role.endsWith("/")) {
      return Optional.of("role '" + role + "' cannot start or end with '/'");
    }
    for (String component : role.split("/", -1)) {
      if (component.isEmpty()) {
        return Optional.of("role '" + role + "' contains an empty path component ('//')");
      }
      if (component.equals(".") || component.equals("..") || component.equals("*")) {
        return Optional.of("role '" + role + "' cannot contain the component '" + component + "'");
      }
      if (component.startsWith("-")) {
        return Optional.of("role '" + role + "' has a component starting with '-'");
      }
    }
    return Optional.empty();
  }

  /** Whether {@code child} is strictly below {@code parent} in the role tree ({@code a/b} under {@code a}). */
  public static boolean isStrictSubroleOf(String child, String parent) {
    return child.length() > parent.length() + 1
        && child.startsWith(parent)
        && child.charAt(parent.length()) == '/';
  }
}
