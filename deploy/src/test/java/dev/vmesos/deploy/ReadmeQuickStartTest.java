package dev.vmesos.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start, as a new user runs it: every {@code ./vmesos} line of its "Quick start"
 * block, in order, with no flag added but ports and a work dir (so that the test collides with
 * nothing: {@code 127.0.0.1:5050} in later lines becomes the test master's address). The first
 * command ({@code local}) stays up; each of the others must exit 0. {@code ./vmesos} builds and then
 * runs {@code dev.vmesos.deploy.Main}; here Main runs on the test class path, with the script's JVM flags.
 */
class ReadmeQuickStartTest {

  private static final Path README = Path.of("..", "README.md");
  private static final List<String> SCRIPT_JVM_FLAGS = List.of("--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-Dhazelcast.wait.seconds.before.join=0");

  @TempDir
  Path workDir;

  @Test
  void everyQuickStartCommandRunsInOrderAndExits0() throws Exception {
    List<List<String>> commands = quickStartCommands(Files.readString(README));
    assertThat(commands).as("the README's quick start block").hasSizeGreaterThanOrEqualTo(2);
    assertThat(commands.get(0).get(0)).as("the quick start begins with a local cluster").isEqualTo("local");
    assertThat(commands).extracting(c -> c.get(0)).contains("throttle");

    int masterPort = FreePorts.find();
    List<String> local = new ArrayList<>(commands.get(0));
    addUnlessGiven(local, "port", Integer.toString(masterPort));
    addUnlessGiven(local, "agent_port", Integer.toString(FreePorts.find()));
    addUnlessGiven(local, "cluster_port", Integer.toString(FreePorts.find()));
    addUnlessGiven(local, "cluster_name", "quick-start-" + UUID.randomUUID());
    addUnlessGiven(local, "work_dir", workDir.resolve("local").toString());
    Path localLog = workDir.resolve("local.log");
    Process cluster = start(local, localLog);
    try {
      awaitLine(cluster, localLog, "Ctrl-C stops it.", 240);
      for (List<String> command : commands.subList(1, commands.size())) {
        List<String> args = command.stream()
            .map(a -> a.replace("127.0.0.1:5050", "127.0.0.1:" + masterPort)).toList();
        Path log = workDir.resolve(args.get(0) + ".log");
        Process process = start(args, log);
        boolean ended = process.waitFor(240, TimeUnit.SECONDS);
        if (!ended) {
          process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(ended).as("./vmesos %s ended in time:%n%s", String.join(" ", args), output).isTrue();
        assertThat(process.exitValue()).as("./vmesos %s exit status:%n%s", String.join(" ", args), output).isZero();
        if (args.get(0).equals("throttle")) {
          assertThat(output).as(output).contains("[throttle] done:").contains(" 0 errors");
        }
      }
      assertThat(cluster.isAlive()).as(Files.readString(localLog)).isTrue();
    } finally {
      cluster.destroy();
      if (!cluster.waitFor(30, TimeUnit.SECONDS)) {
        cluster.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void theBlockIsReadAsCommandsWithoutCommentsOrShellLines() {
    String readme = "intro\n## Quick start\n\n```bash\n./vmesos local --agents=2   # stays up\n# a comment\n"
        + "./vmesos throttle --master=127.0.0.1:5050 --target=sink\n```\n```bash\n./vmesos other\n```\n";
    assertThat(quickStartCommands(readme)).containsExactly(List.of("local", "--agents=2"),
        List.of("throttle", "--master=127.0.0.1:5050", "--target=sink"));
  }

  /** The {@code ./vmesos} lines of the first code block after "## Quick start", comments cut, split on blanks. */
  static List<List<String>> quickStartCommands(String readme) {
    List<String> lines = readme.lines().toList();
    int heading = lines.indexOf("## Quick start");
    assertThat(heading).as("README has a '## Quick start' section").isNotNegative();
    int open = heading + 1;
    while (open < lines.size() && !lines.get(open).startsWith("```")) {
      open++;
    }
    List<List<String>> commands = new ArrayList<>();
    for (int i = open + 1; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
      String line = lines.get(i).trim();
      int comment = line.indexOf(" #");
      if (comment >= 0) {
        line = line.substring(0, comment).trim();
      }
      if (line.startsWith("./vmesos ")) {
        assertThat(line).as("quick start lines are plain words (no quoting to interpret)").doesNotContain("'", "\"", "\\");
        commands.add(Arrays.asList(line.substring("./vmesos ".length()).trim().split("\\s+")));
      }
    }
    return commands;
  }

  private static void addUnlessGiven(List<String> args, String flag, String value) {
    String dashed = flag.replace('_', '-');
    boolean given = args.stream().anyMatch(a -> a.startsWith("--" + flag + "=") || a.startsWith("--" + dashed + "="));
    if (!given) {
      args.add("--" + flag + "=" + value);
    }
  }

  private static Process start(List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(SCRIPT_JVM_FLAGS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void awaitLine(Process process, Path log, String text, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (output.contains(text)) {
        return;
      }
      assertThat(process.isAlive()).as("./vmesos local ended early:%n%s", output).isTrue();
      process.waitFor(200, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError("no '" + text + "' within " + seconds + " s:\n" + Files.readString(log));
  }
}
