package dev.vmesos.api.security;

import dev.vmesos.api.config.FlagException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mesos's {@code --acls}: JSON such as
 * <pre>{"permissive": false,
 *  "register_frameworks": [{"principals": {"values": ["web"]}, "roles": {"values": ["web"]}}],
 *  "run_tasks": [{"principals": {"type": "ANY"}, "users": {"values": ["nobody"]}}]}</pre>
 * evaluated as Mesos's local authorizer does: the rules of an action are tried in order, the first
 * whose subject and object both <em>match</em> decides (allowed when both <em>allow</em>), and when
 * none matches {@code permissive} (default true) decides. An entity is {@code {"values": [...]}}
 * (Mesos's SOME), {@code {"type": "ANY"}} or {@code {"type": "NONE"}}.
 *
 * <p>A request's subject is the principal, or Mesos's ANY when there is none (nobody authenticated);
 * its object is one value (a role, a user, a path), or ANY when the request names none. Only the
 * actions of {@link Action} are enforced; Mesos's other actions are accepted, with one WARN each, and
 * a name that is no Mesos action (a typo) is refused.
 */
public final class Acls {

  private static final Logger LOG = LoggerFactory.getLogger(Acls.class);

  /** The actions vmesos enforces, by their Mesos JSON name and the name of their object field. */
  public enum Action {
    REGISTER_FRAMEWORKS("register_frameworks", "roles", "register framework with role"),
    RUN_TASKS("run_tasks", "users", "run tasks as user"),
    TEARDOWN_FRAMEWORKS("teardown_frameworks", "framework_principals", "teardown framework of principal"),
    RESERVE_RESOURCES("reserve_resources", "roles", "reserve resources for role"),
    UNRESERVE_RESOURCES("unreserve_resources", "reserver_principals", "unreserve resources reserved by principal"),
    UPDATE_WEIGHTS("update_weights", "roles", "update weight of role"),
    UPDATE_QUOTAS("update_quotas", "roles", "update quota of role"),
    VIEW_FRAMEWORKS("view_frameworks", "users", "view framework of user"),
    VIEW_TASKS("view_tasks", "users", "view task of user"),
    VIEW_EXECUTORS("view_executors", "users", "view executor of user"),
    ACCESS_SANDBOXES("access_sandboxes", "users", "access sandbox of user"),
    GET_ENDPOINTS("get_endpoints", "paths", "get endpoint with path");

    private final String json;
    private final String objectField;
    private final String verb;

    Action(String json, String objectField, String verb) {
      this.json = json;
      this.objectField = objectField;
      this.verb = verb;
    }

    /** The action's name in Mesos's ACL JSON. */
    public String json() {
      return json;
    }

    /** The name of its object entity in Mesos's ACL JSON ({@code roles}, {@code users} ...). */
    public String objectField() {
      return objectField;
    }

    /** A refusal's reason, worded as Mesos words it: {@code Not authorized to <verb> '<object>'}. */
    public String refusal(String object) {
      return "Not authorized to " + verb + (object == null ? "" : " '" + object + "'");
    }
  }

  /** Mesos's other actions (its ACLs message): accepted so that a Mesos file carries over, not checked. */
  private static final Set<String> UNCHECKED_MESOS_ACTIONS = Set.of(
      "create_volumes", "destroy_volumes", "get_quotas", "access_mesos_logs", "view_roles", "view_flags",
      "launch_nested_containers_as_user", "launch_nested_containers_under_parent_with_user",
      "kill_nested_containers", "wait_nested_containers", "launch_nested_container_sessions_as_user",
      "launch_nested_container_sessions_under_parent_with_user", "attach_containers_input",
      "attach_containers_output", "view_containers", "set_log_level", "remove_nested_containers",
      "register_agents", "update_maintenance_schedules", "get_maintenance_schedules", "start_maintenances",
      "stop_maintenances", "get_maintenance_statuses", "drain_agents", "deactivate_agents",
      "reactivate_agents", "mark_agents_gone", "launch_standalone_containers", "kill_standalone_containers",
      "wait_standalone_containers", "remove_standalone_containers", "view_standalone_containers",
      "modify_resource_provider_configs", "mark_resource_providers_gone", "view_resource_providers",
      "prune_images", "resize_volumes", "create_block_disks", "destroy_block_disks", "create_mount_disks",
      "destroy_mount_disks", "destroy_raw_disks");

  /** Mesos's ACL.Entity: SOME (with values), ANY or NONE. */
  record Entity(Kind kind, Set<String> values) {
    enum Kind { SOME, ANY, NONE }

    static final Entity ANY = new Entity(Kind.ANY, Set.of());

    static Entity some(String value) {
      return new Entity(Kind.SOME, Set.of(value));
    }

    /** Mesos's {@code matches}: whether the rule speaks of this request's entity at all. */
    boolean matches(Entity rule) {
      return switch (kind) {
        case NONE -> rule.kind == Kind.NONE;
        case ANY -> rule.kind == Kind.ANY || rule.kind == Kind.NONE;
        case SOME -> rule.kind != Kind.SOME || rule.values.containsAll(values);
      };
    }

    /** Mesos's {@code allows}: whether the matching rule lets this request's entity through. */
    boolean allowedBy(Entity rule) {
      return switch (kind) {
        case NONE -> rule.kind == Kind.NONE;
        case ANY -> rule.kind == Kind.ANY;
        case SOME -> rule.kind == Kind.ANY || (rule.kind == Kind.SOME && rule.values.containsAll(values));
      };
    }
  }

  record Rule(Entity principals, Entity objects) {
  }

  private final boolean permissive;
  private final Map<Action, List<Rule>> rules;
  private final boolean configured;

  private Acls(boolean permissive, Map<Action, List<Rule>> rules, boolean configured) {
    this.permissive = permissive;
    this.rules = rules;
    this.configured = configured;
  }

  /** No {@code --acls}: everything is allowed, as Mesos without an authorizer. */
  public static Acls none() {
    return new Acls(true, new EnumMap<>(Action.class), false);
  }

  /** Whether {@code --acls} was given. */
  public boolean configured() {
    return configured;
  }

  public boolean permissive() {
    return permissive;
  }

  /**
   * Whether {@code principal} (null: not authenticated) may perform {@code action} on
   * {@code object} (null: the request names no object, Mesos's ANY).
   */
  public boolean allows(Action action, String principal, String object) {
    Entity subject = principal == null ? Entity.ANY : Entity.some(principal);
    Entity target = object == null ? Entity.ANY : Entity.some(object);
    for (Rule rule : rules.getOrDefault(action, List.of())) {
      if (subject.matches(rule.principals()) && target.matches(rule.objects())) {
        return subject.allowedBy(rule.principals()) && target.allowedBy(rule.objects());
      }
    }
    return permissive;
  }

  /** Whether {@code principal} may perform {@code action} on every one of {@code objects}. */
  public boolean allowsAll(Action action, String principal, Collection<String> objects) {
    for (String object : objects) {
      if (!allows(action, principal, object)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads {@code --acls}: the JSON itself, or a path to it (optionally {@code file://}), as Mesos
   * allows. Anything malformed stops start-up naming {@code flag}.
   */
  public static Acls parse(String flag, String value) {
    String text = value.strip();
    if (!text.startsWith("{")) {
      String file = text.startsWith("file://") ? text.substring("file://".length()) : text;
      try {
        text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        throw new FlagException("Flag '--" + flag + "': cannot read " + file + ": " + e);
      }
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      throw new FlagException("Flag '--" + flag + "': not JSON: " + e.getMessage());
    }
    boolean permissive = true;
    Map<Action, List<Rule>> rules = new EnumMap<>(Action.class);
    for (String key : json.fieldNames()) {
      Object field = json.getValue(key);
      if (key.equals("permissive")) {
        if (!(field instanceof Boolean b)) {
          throw new FlagException("Flag '--" + flag + "': \"permissive\" must be true or false");
        }
        permissive = b;
        continue;
      }
      if (!(field instanceof JsonArray array)) {
        throw new FlagException("Flag '--" + flag + "': \"" + key + "\" must be an array of rules");
      }
      Action action = null;
      for (Action candidate : Action.values()) {
        if (candidate.json.equals(key)) {
          action = candidate;
        }
      }
      if (action == null && !UNCHECKED_MESOS_ACTIONS.contains(key)) {
        throw new FlagException("Flag '--" + flag + "': '" + key + "' is not an action of Mesos's ACLs");
      }
      if (action == null) {
        LOG.warn("--{}: '{}' is a Mesos action vmesos does not check; its {} rule(s) are ignored", flag, key,
            array.size());
        continue;
      }
      List<Rule> list = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        String where = key + "[" + i + "]";
        if (!(array.getValue(i) instanceof JsonObject rule)) {
          throw new FlagException("Flag '--" + flag + "': " + where + " must be an object");
        }
        for (String name : rule.fieldNames()) {
          if (!name.equals("principals") && !name.equals(action.objectField)) {
            throw new FlagException("Flag '--" + flag + "': " + where + " has '" + name + "'; a rule of " + key
                + " has \"principals\" and \"" + action.objectField + "\"");
          }
        }
        list.add(new Rule(entity(flag, where + ".principals", rule.getValue("principals")),
            entity(flag, where + "." + action.objectField, rule.getValue(action.objectField))));
      }
      rules.put(action, List.copyOf(list));
    }
    return new Acls(permissive, rules, true);
  }

  private static Entity entity(String flag, String where, Object value) {
    if (value == null) {
      throw new FlagException("Flag '--" + flag + "': " + where + " is missing");
    }
    if (!(value instanceof JsonObject json)) {
      throw new FlagException("Flag '--" + flag + "': " + where + " must be {\"values\": [...]} or {\"type\": ...}");
    }
    String type = json.getValue("type") instanceof String s ? s : json.containsKey("type") ? "?" : "SOME";
    Object values = json.getValue("values");
    Set<String> set = new LinkedHashSet<>();
    if (values != null) {
      if (!(values instanceof JsonArray array)) {
        throw new FlagException("Flag '--" + flag + "': " + where + ".values must be an array of strings");
      }
      for (Object v : array) {
        if (!(v instanceof String s)) {
          throw new FlagException("Flag '--" + flag + "': " + where + ".values must be an array of strings");
        }
        set.add(s);
      }
    }
    return switch (type) {
      case "SOME" -> new Entity(Entity.Kind.SOME, Set.copyOf(set));
      case "ANY" -> Entity.ANY;
      case "NONE" -> new Entity(Entity.Kind.NONE, Set.of());
      default -> throw new FlagException("Flag '--" + flag + "': " + where + ".type must be SOME, ANY or NONE");
    };
  }
}
