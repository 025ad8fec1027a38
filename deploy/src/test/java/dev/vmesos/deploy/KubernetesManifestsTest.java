package dev.vmesos.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.agent.AgentConfig;
import dev.vmesos.api.config.Flags;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.master.MasterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests in {@code deploy/k8s} parse, hold together (selectors select, services
 * point at ports the pods open, everything in one namespace), and give the master and agent
 * containers flags their own parsers accept: no kubectl here, so this is the check they get.
 */
class KubernetesManifestsTest {

  private static final Path MANIFESTS = Path.of("k8s");
  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\(([A-Z_]+)\\)");

  @Test
  void everyManifestParsesAndHoldsTogether() throws IOException {
    List<Map<String, Object>> documents = documents();
    assertThat(documents).extracting(d -> d.get("kind"))
        .contains("Namespace", "ServiceAccount", "Role", "RoleBinding", "Service", "StatefulSet", "DaemonSet");
    List<Map<String, Object>> podTemplates = new ArrayList<>();
    for (Map<String, Object> document : documents) {
      assertThat(document).containsKeys("apiVersion", "kind", "metadata");
      Map<String, Object> metadata = map(document, "metadata");
      assertThat(metadata.get("name")).as("%s name", document.get("kind")).isInstanceOf(String.class);
      if (!document.get("kind").equals("Namespace")) {
        assertThat(metadata.get("namespace")).as("namespace of %s", metadata.get("name")).isEqualTo("vmesos");
      }
      if (List.of("Deployment", "StatefulSet", "DaemonSet").contains(document.get("kind"))) {
        Map<String, Object> spec = map(document, "spec");
        Map<String, Object> template = map(spec, "template");
        Map<String, Object> labels = map(map(template, "metadata"), "labels");
        assertThat(labels).as("%s's pods carry its selector's labels", metadata.get("name"))
            .containsAllEntriesOf(map(map(spec, "selector"), "matchLabels"));
        podTemplates.add(template);
      }
    }
    for (Map<String, Object> service : kind(documents, "Service")) {
      Map<String, Object> selector = map(map(service, "spec"), "selector");
      List<Map<String, Object>> selected = podTemplates.stream()
          .filter(t -> map(map(t, "metadata"), "labels").entrySet().containsAll(selector.entrySet())).toList();
      assertThat(selected).as("pods selected by service %s", map(service, "metadata").get("name")).isNotEmpty();
      for (Map<String, Object> port : list(map(service, "spec"), "ports")) {
        int target = ((Number) port.get("targetPort")).intValue();
        for (Map<String, Object> pod : selected) {
          assertThat(containers(pod)).as("a container of the pods behind service port %s opens %d", port.get("name"),
                  target)
              .anySatisfy(c -> assertThat(opensOrServes(c, target)).isTrue());
        }
      }
    }
    assertThat(map(kind(documents, "RoleBinding").get(0), "roleRef").get("name"))
        .isEqualTo(map(kind(documents, "Role").get(0), "metadata").get("name"));
  }

  @Test
  void theMasterAndAgentContainersGetFlagsTheyAccept() throws IOException {
    int checked = 0;
    for (Map<String, Object> document : documents()) {
      if (!document.containsKey("spec") || !map(document, "spec").containsKey("template")) {
        continue;
      }
      for (Map<String, Object> container : containers(map(map(document, "spec"), "template"))) {
        String image = (String) container.get("image");
        String[] args = args(container);
        Flags flags = Flags.parse(args, Map.of());
        if (image.startsWith("vmesos/master:")) {
          MasterConfig master = MasterConfig.fromFlags(flags);
          ClusterConfig cluster = ClusterConfig.fromFlags(flags, ClusterConfig.DEFAULT_HOST);
          assertThat(cluster.kubernetes()).as("masters find each other through Kubernetes").isPresent();
          assertThat(master.ha().masters()).as("replicas of the masters' StatefulSet")
              .isEqualTo(((Number) map(document, "spec").get("replicas")).intValue());
          assertThat(master.ha().workDir()).as("the registry's directory").isNotNull();
        } else if (image.startsWith("vmesos/agent:")) {
          AgentConfig agent = AgentConfig.fromFlags(flags);
          assertThat(List.of(args)).as("agents are not cluster members").noneMatch(a -> a.startsWith("--cluster_"));
          assertThat(agent.masters()).as("the agents list every master").hasSize(3);
          assertThat(agent.dockerEnabled()).isTrue();
        } else {
          continue;
        }
        flags.rejectUnknown();
        checked++;
      }
    }
    assertThat(checked).as("the master and the agent containers").isEqualTo(2);
  }

  /** The container's args, with {@code $(VAR)} replaced as Kubernetes would (fieldRef values made up). */
  private static String[] args(Map<String, Object> container) {
    Map<String, String> env = new HashMap<>();
    for (Map<String, Object> variable : list(container, "env")) {
      env.put((String) variable.get("name"), variable.containsKey("value") ? (String) variable.get("value") : "10.0.0.7");
    }
    List<String> args = new ArrayList<>();
    for (Object arg : (List<?>) container.get("args")) {
      Matcher matcher = ENV_REFERENCE.matcher((String) arg);
      StringBuilder resolved = new StringBuilder();
      while (matcher.find()) {
        assertThat(env).as("variable %s of arg %s", matcher.group(1), arg).containsKey(matcher.group(1));
        matcher.appendReplacement(resolved, env.get(matcher.group(1)));
      }
      matcher.appendTail(resolved);
      args.add(resolved.toString());
    }
    return args.toArray(String[]::new);
  }

  private static boolean opensOrServes(Map<String, Object> container, int port) {
    if (list(container, "ports").stream().anyMatch(p -> ((Number) p.get("containerPort")).intValue() == port)) {
      return true;
    }
    return port == 5701 && List.of(args(container)).contains("--cluster_port=5701");
  }

  private static List<Map<String, Object>> containers(Map<String, Object> template) {
    return list(map(template, "spec"), "containers");
  }

  private static List<Map<String, Object>> documents() throws IOException {
    List<Map<String, Object>> documents = new ArrayList<>();
    try (Stream<Path> files = Files.list(MANIFESTS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object document : new Yaml().loadAll(Files.readString(file))) {
          assertThat(document).as("a document of %s", file).isInstanceOf(Map.class);
          @SuppressWarnings("unchecked")
          Map<String, Object> map = (Map<String, Object>) document;
          documents.add(map);
        }
      }
    }
    return documents;
  }

  private static List<Map<String, Object>> kind(List<Map<String, Object>> documents, String kind) {
    return documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    assertThat(parent.get(key)).as("field %s", key).isInstanceOf(Map.class);
    return (Map<String, Object>) parent.get(key);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    return value == null ? List.of() : (List<Map<String, Object>>) value;
  }
}
