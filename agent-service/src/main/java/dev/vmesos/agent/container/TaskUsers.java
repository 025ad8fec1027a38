package dev.vmesos.agent.container;

import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Which Unix user a task or executor runs as, as Mesos's {@code --switch_user} decides: its
 * {@code CommandInfo.user}, else its {@code FrameworkInfo.user}; with {@code --switch_user=false},
 * the agent's own. The sandbox is handed to that user (Mesos chowns it), and the command is started
 * through {@code setpriv} with the user's uid, gid and supplementary groups, the small supervisor
 * above it staying the agent's (it writes the exit status where only the agent may). An agent that
 * is not root can only run tasks as itself: another user fails as Mesos's chown fails there.
 * Blocking: call off the event loop.
 */
public final class TaskUsers {

  /** A user the agent found, by name. */
  public record Account(String name, int uid, int gid) {
  }

  /** Why a task cannot run as its user; the launch fails with this message. */
  public static final class UserException extends IOException {

    public UserException(String message) {
      super(message);
    }
  }

  private static final String SETPRIV = "setpriv";

  private final boolean switchUser;
  private final int agentUid;

  public TaskUsers(boolean switchUser) {
    this(switchUser, currentUid());
  }

  TaskUsers(boolean switchUser, int agentUid) {
    this.switchUser = switchUser;
    this.agentUid = agentUid;
  }

  /**
   * The user named for a command under {@code --switch_user}: its own user, else the framework's;
   * empty with {@code --switch_user=false} or when neither names one (the agent's user then).
   */
  public Optional<String> userOf(FrameworkInfo framework, CommandInfo command) {
    if (!switchUser) {
      return Optional.empty();
    }
    String user = command.hasUser() ? command.getUser() : framework.getUser();
    return user.isEmpty() ? Optional.empty() : Optional.of(user);
  }

  /**
   * Finds {@code name} in the system's user database ({@code getent passwd}, which asks NSS as
   * Mesos's getpwnam does).
   *
   * @throws UserException if there is no such user, or the agent may not run tasks as it
   */
  public Account lookup(String name) throws UserException {
    Optional<Account> found = find(name);
    if (found.isEmpty()) {
      throw new UserException("Failed to chown sandbox to '" + name + "': No such user '" + name + "' on this agent");
    }
    Account account = found.get();
    if (agentUid != 0 && account.uid() != agentUid) {
      throw new UserException("Failed to chown sandbox to '" + name + "': Operation not permitted (the agent runs"
          + " as uid " + agentUid + ", not root; it can run tasks only as itself, or as any user with"
          + " --switch_user=false)");
    }
    return account;
  }

  /** Whether the agent runs as root, so that it may run tasks as any user. */
  public boolean agentIsRoot() {
    return agentUid == 0;
  }

  /** Whether a process started by the agent must change to {@code account} (it is not the agent's uid). */
  public boolean mustSwitch(Account account) {
    return account.uid() != agentUid;
  }

  /** {@code argv} run as {@code account}: through {@code setpriv}, which execs it with the user's ids. */
  public static List<String> runAs(Account account, List<String> argv) {
    List<String> wrapped = new ArrayList<>(List.of(SETPRIV, "--reuid=" + account.uid(), "--regid=" + account.gid(),
        "--init-groups", "--"));
    wrapped.addAll(argv);
    return wrapped;
  }

  /**
   * Gives the sandbox and all in it (fetched files, and {@code stdout} and {@code stderr}, made here if
   * absent) to {@code account}, mode 0750 as Mesos.
   */
  public static void chown(Path sandbox, Account account) throws IOException {
    for (String output : List.of(ProcessLauncher.STDOUT, ProcessLauncher.STDERR)) {
      Path file = sandbox.resolve(output);
      if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createFile(file);
      }
    }
    UserPrincipalLookupService lookup = sandbox.getFileSystem().getUserPrincipalLookupService();
    var owner = lookup.lookupPrincipalByName(Integer.toString(account.uid()));
    var group = lookup.lookupPrincipalByGroupName(Integer.toString(account.gid()));
    try (Stream<Path> files = Files.walk(sandbox)) {
      for (Path file : files.toList()) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
            java.nio.file.LinkOption.NOFOLLOW_LINKS);
        view.setOwner(owner);
        view.setGroup(group);
      }
    }
    Files.setPosixFilePermissions(sandbox, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
  }

  private static Optional<Account> find(String name) throws UserException {
    if (name.isEmpty() || name.contains(":") || name.contains("\n") || name.startsWith("-")) {
      return Optional.empty();
    }
    for (String line : passwdEntries(name)) {
      String[] fields = line.split(":", -1);
      if (fields.length >= 4 && fields[0].equals(name)) {
        try {
          return Optional.of(new Account(name, Integer.parseInt(fields[2]), Integer.parseInt(fields[3])));
        } catch (NumberFormatException e) {
          throw new UserException("Cannot read the entry of user '" + name + "': " + line);
        }
      }
    }
    return Optional.empty();
  }

  /** {@code getent passwd name}; without getent, {@code /etc/passwd}. */
  private static List<String> passwdEntries(String name) throws UserException {
    try {
      Process getent = new ProcessBuilder("getent", "passwd", name).redirectErrorStream(true).start();
      getent.getOutputStream().close();
      String out = new String(getent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!getent.waitFor(10, TimeUnit.SECONDS)) {
        getent.destroyForcibly();
        throw new UserException("Looking up user '" + name + "' (getent passwd) took more than 10 seconds");
      }
      return out.lines().toList();
    } catch (IOException e) {
      try {
        return Files.readAllLines(Path.of("/etc/passwd"));
      } catch (IOException none) {
        throw new UserException("Cannot look up user '" + name + "': " + e.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("Interrupted while looking up user '" + name + "'");
    }
  }

  /**
   * The agent's real uid, from {@code /proc/self/status} (the agent image's runtime has no
   * {@code jdk.security.auth} module, whose {@code UnixSystem} says it too); -1 when neither tells.
   */
  private static int currentUid() {
    try {
      int uid = uidOf(Files.readString(Path.of("/proc/self/status"), StandardCharsets.US_ASCII));
      if (uid >= 0) {
        return uid;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or /proc not mounted: ask the JDK
    }
    try {
      return (int) new com.sun.security.auth.module.UnixSystem().getUid();
    } catch (RuntimeException | LinkageError e) {
      return -1;
    }
  }

  /** The real uid on the {@code Uid:} line of a {@code /proc/<pid>/status} text, or -1. */
  static int uidOf(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("Uid:")) {
        String[] ids = line.substring(4).trim().split("\\s+");
        try {
          return Integer.parseInt(ids[0]);
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }
}
