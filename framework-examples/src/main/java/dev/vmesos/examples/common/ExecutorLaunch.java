package dev.vmesos.examples.common;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.Volume;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * How an example framework's custom executor is started, read once from {@code --executor}
 * ({@code docker}, the default, or {@code process}), {@code --executor_image} and
 * {@code --executor_classpath}. In Docker the executor is a JVM in a JRE image with the classpath's
 * jars and directories bind-mounted read-only at their host paths, until an image carrying the
 * examples replaces that default; as a process it runs on this JVM's {@code java}.
 *
 * @param kind      docker or process
 * @param image     the executor's image (Docker only)
 * @param classpath the executor's classpath entries, as paths on the agent's host
 * @param java      the {@code java} command: the image's for Docker, this JVM's for processes
 * @param mountClasspath bind-mount the classpath into the container ({@code --executor_mount_classpath},
 *                  true); false for an image that carries the classpath itself (then
 *                  {@code --executor_classpath} names paths inside the image)
 */
public record ExecutorLaunch(Kind kind, String image, List<String> classpath, String java, boolean mountClasspath) {

  /** Where the executor runs. */
  public enum Kind { DOCKER, PROCESS }

  public static final String DEFAULT_IMAGE = "vmesos/jre:local";
  /** The image {@code ./vmesos images} builds from framework-examples (Jib), with the executors in it. */
  public static final String EXAMPLES_IMAGE = "vmesos/examples";
  /** Jib's argument file with the image's classpath, which {@code java -cp @file} expands. */
  public static final String EXAMPLES_IMAGE_CLASSPATH = "@/app/jib-classpath-file";
  /** Small heap, no JIT tiers beyond C1: an executor runs many short things and should start fast. */
  static final List<String> JVM_FLAGS = List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
      "-Xss512k", "-Xmx48m");

  public ExecutorLaunch {
    classpath = List.copyOf(classpath);
    if (classpath.isEmpty()) {
      throw new FlagException("Flag '--executor_classpath' is empty: the executor has nothing to run");
    }
  }

  /** What {@code --help} says about the executor flags the example frameworks share. */
  public static final FlagHelp HELP = FlagHelp.builder()
      .flag("executor", "docker|process", "docker",
          "Run each task's executor in a Docker container (agents need --containerizers=docker,mesos) or as a process.")
      .flag("executor-image", "IMAGE", DEFAULT_IMAGE, "The executor's image; with " + EXAMPLES_IMAGE
          + " the image's own classpath is used and nothing is mounted.")
      .flag("executor-classpath", "PATH:PATH...", "this program's classpath", "Where the executor's classes are.")
      .bool("executor-mount-classpath", true,
          "Mount the classpath into the executor's container (off by default for " + EXAMPLES_IMAGE + ").")
      .build();

  public static ExecutorLaunch fromFlags(Flags flags) {
    String kindText = flags.string("executor", "docker").trim().toLowerCase(Locale.ROOT);
    Kind kind = switch (kindText) {
      case "docker" -> Kind.DOCKER;
      case "process" -> Kind.PROCESS;
      default -> throw new FlagException("Flag '--executor': '" + kindText + "' is not one of docker, process");
    };
    String image = flags.string("executor_image", DEFAULT_IMAGE).trim();
    // The project's own examples image carries the executors: its classpath, nothing to mount.
    boolean examplesImage = kind == Kind.DOCKER && isExamplesImage(image);
    List<String> classpath = flags.optional("executor_classpath")
        .map(v -> Arrays.stream(v.split(File.pathSeparator)).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .orElseGet(() -> examplesImage ? List.of(EXAMPLES_IMAGE_CLASSPATH) : currentClasspath());
    boolean mount = flags.bool("executor_mount_classpath", !examplesImage);
    if (mount || kind == Kind.PROCESS) {
      for (String entry : classpath) {
        if (!Files.exists(Path.of(entry))) {
          throw new FlagException("Flag '--executor_classpath': '" + entry + "' does not exist");
        }
      }
    }
    return new ExecutorLaunch(kind, image, classpath, kind == Kind.DOCKER ? "java" : thisJava(), mount);
  }

  static boolean isExamplesImage(String image) {
    return image.equals(EXAMPLES_IMAGE) || image.startsWith(EXAMPLES_IMAGE + ":") || image.startsWith(EXAMPLES_IMAGE + "@");
  }

  public static ExecutorLaunch process(List<String> classpath) {
    return new ExecutorLaunch(Kind.PROCESS, DEFAULT_IMAGE, classpath, thisJava(), true);
  }

  public static ExecutorLaunch docker(String image, List<String> classpath) {
    return new ExecutorLaunch(Kind.DOCKER, image, classpath, "java", true);
  }

  /**
   * What an executor needs of this JVM's class path (the usual executor class path when scheduler
   * and agent share a host): class directories, and the jars of the examples, the api module,
   * protobuf and the PostgreSQL driver; fewer bind mounts, faster container starts.
   */
  public static List<String> currentClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(s -> !s.isEmpty())
        .flatMap(ExecutorLaunch::expand)
        .filter(ExecutorLaunch::neededByExecutors)
        .toList();
  }

  /** Absolute paths (the executor runs elsewhere), {@code dir/*} expanded to its jars as java does. */
  static Stream<String> expand(String entry) {
    if (entry.endsWith("*")) {
      Path dir = Path.of(entry.substring(0, entry.length() - 1)).toAbsolutePath().normalize();
      try (Stream<Path> files = Files.list(dir)) {
        return files.filter(f -> f.getFileName().toString().endsWith(".jar")).map(Path::toString).sorted().toList()
            .stream();
      } catch (IOException e) {
        return Stream.empty();
      }
    }
    return Stream.of(Path.of(entry).toAbsolutePath().normalize().toString());
  }

  static boolean neededByExecutors(String entry) {
    Path path = Path.of(entry);
    if (Files.isDirectory(path)) {
      return true;
    }
    String name = path.getFileName().toString();
    return EXECUTOR_JARS.stream().anyMatch(name::startsWith);
  }

  static final List<String> EXECUTOR_JARS = List.of("framework-examples-", "api-", "protobuf-java-", "jackson-core-",
      "postgresql-");

  /** A CUSTOM executor running {@code mainClass}; {@code name} is what the agent and UI show. */
  public ExecutorInfo executor(String executorId, String name, String mainClass) {
    List<String> arguments = new ArrayList<>();
    arguments.add(java);
    arguments.addAll(JVM_FLAGS);
    arguments.add("-cp");
    arguments.add(String.join(File.pathSeparator, classpath));
    arguments.add(mainClass);
    ExecutorInfo.Builder executor = ExecutorInfo.newBuilder()
        .setType(ExecutorInfo.Type.CUSTOM)
        .setExecutorId(ExecutorID.newBuilder().setValue(executorId))
        .setName(name)
        .setCommand(CommandInfo.newBuilder().setShell(false).setValue(java).addAllArguments(arguments));
    if (kind == Kind.DOCKER) {
      ContainerInfo.Builder container = ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
          .setDocker(ContainerInfo.DockerInfo.newBuilder().setImage(image)
              .setNetwork(ContainerInfo.DockerInfo.Network.HOST));
      for (String entry : mountClasspath ? classpath : List.<String>of()) {
        container.addVolumes(Volume.newBuilder().setHostPath(entry).setContainerPath(entry).setMode(Volume.Mode.RO));
      }
      executor.setContainer(container);
    }
    return executor.build();
  }

  /** "Docker executors (vmesos/jre:local)" or "process executors", for the user. */
  public String describe() {
    return kind == Kind.DOCKER ? "Docker executors (" + image + ")" : "process executors";
  }

  private static String thisJava() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
