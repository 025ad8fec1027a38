package dev.vmesos.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return SimulateCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void withoutArgumentsItListsTheBuiltInScenarios() {
    assertThat(run()).isZero();
    assertThat(out()).contains("seed-drf ", "seed-drf-2", "drf-paper", "maxmin");
  }

  @Test
  void seedDrfPrintsTheSeedsStepsAndUtilization() {
    assertThat(run("seed-drf")).isZero();

    assertThat(out())
        .containsPattern("1 +10 cpu, 20 GB +A +accepts task 1 +3 cpu, 2 GB +30.0% +0 cpu, 0 GB +0.0%")
        .containsPattern("5 +2 cpu, 6 GB +B +accepts task 3 +6 cpu, 4 GB +60.0% +3 cpu, 15 GB +75.0%")
        .containsPattern("6 +1 cpu, 1 GB +A +declines")
        .containsPattern("cpus +9 cpu +10 cpu +90.0%")
        .containsPattern("mem +19 GB +20 GB +95.0%")
        .contains("check: pure progressive filling (--pure) ends with the same holdings");
  }

  @Test
  void maxMinPrintsTheWaterFillingRounds() {
    assertThat(run("maxmin")).isZero();

    assertThat(out())
        .containsPattern("1 +100 +A B C D +25 +\\+25 = 25 +\\+10 = 10 +\\+25 = 25 +\\+25 = 25 +15")
        .containsPattern("2 +15 +A D +7.5 +\\+7.5 = 32.5 +\\+7.5 = 32.5 +0")
        .containsPattern("D +45 +32.5 +short by 12.5");
  }

  @Test
  void aScenarioFileRunsAndWeightsNeedARolePerFramework(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("mine.json");
    Files.writeString(file, """
        {"policy": "drf", "roles": "per-framework", "totals": {"cpus": 12},
         "frameworks": [{"name": "A", "task": {"cpus": 1}, "weight": 2}, {"name": "B", "task": {"cpus": 1}}]}
        """);
    assertThat(run("--file=" + file)).isZero();
    assertThat(out()).startsWith("mine: DRF, 12 cpu;").containsPattern("A +8 +8 cpu +66.7% \\(cpus\\)");

    Files.writeString(file, """
        {"totals": {"cpus": 12}, "frameworks": [{"name": "A", "task": {"cpus": 1}, "weight": 2}]}
        """);
    assertThat(run("--file=" + file)).isEqualTo(2);
    assertThat(err()).contains("bad scenario file", "weights belong to roles");
  }

  @Test
  void unknownScenariosAndBadFilesExitTwoWithAMessage(@TempDir Path dir) throws IOException {
    assertThat(run("no-such")).isEqualTo(2);
    assertThat(err()).contains("unknown scenario 'no-such'", "seed-drf");

    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"totals\": {\"cpus\": 4}, \"frameworks\": [{\"name\": \"A\", \"task\": {\"gpus\": 1}}]}");
    assertThat(run("--file=" + file)).isEqualTo(2);
    assertThat(err()).contains("needs 'gpus', which the cluster does not have");

    Files.writeString(file, "{\"totals\": ");
    assertThat(run("--file=" + file)).isEqualTo(2);
    assertThat(err()).contains("not a JSON object");

    assertThat(run("--file=" + dir.resolve("missing.json"))).isEqualTo(2);
    assertThat(err()).contains("no such file");
    assertThat(out()).isEmpty();
  }
}
