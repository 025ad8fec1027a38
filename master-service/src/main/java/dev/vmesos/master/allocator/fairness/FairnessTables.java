package dev.vmesos.master.allocator.fairness;

import dev.vmesos.master.allocator.fairness.Fairness.Filling;
import dev.vmesos.master.allocator.fairness.Fairness.Framework;
import dev.vmesos.master.allocator.fairness.Fairness.Holding;
import dev.vmesos.master.allocator.fairness.Fairness.Round;
import dev.vmesos.master.allocator.fairness.Fairness.Step;
import dev.vmesos.master.allocator.fairness.Fairness.User;
import dev.vmesos.master.allocator.fairness.Fairness.WaterFilling;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders fairness traces as fixed-width plain-text tables for a terminal. */
public final class FairnessTables {

  private static final String INDENT = "  ";

  private FairnessTables() {
  }

  /**
   * A DRF trace: the scenario, one row per offer (what was offered, to whom, accepted or declined,
   * then every framework's holding and dominant share after it), the final holdings and the
   * utilization of each resource.
   *
   * @param source one line saying what produced the trace (the allocator, or pure progressive filling)
   */
  public static String drf(Scenario.Drf scenario, Filling filling, String source) {
    List<Map<String, Double>> vectors = new ArrayList<>(List.of(filling.totals()));
    scenario.frameworks().forEach(f -> vectors.add(f.task()));
    Units units = Units.of(vectors);
    StringBuilder out = new StringBuilder();
    out.append(scenario.name()).append(": ").append(scenario.description()).append('\n');
    out.append(source).append('\n').append('\n');

    TextTable frameworks = new TextTable("framework", "role", "weight", "per task", "task's share", "dominant")
        .alignRight(2);
    for (Framework f : scenario.frameworks()) {
      frameworks.row(f.name(), scenario.role(f), Units.number(f.weight()), units.amounts(f.task()),
          shares(filling.totals(), f.task()), String.valueOf(Fairness.dominantResource(filling.totals(), f.task())));
    }
    out.append(frameworks.render(INDENT)).append('\n');

    List<String> headers = new ArrayList<>(List.of("step", "offered (remaining)", "to", "result"));
    for (Framework f : scenario.frameworks()) {
      headers.add(f.name() + " holds");
      headers.add(f.name() + " share");
    }
    TextTable steps = new TextTable(headers).alignRight(0);
    for (int c = 5; c < headers.size(); c += 2) {
      steps.alignRight(c);
    }
    for (Step step : filling.steps()) {
      List<String> row = new ArrayList<>(List.of(String.valueOf(step.number()), units.amounts(step.offered()),
          step.framework(), step.accepted() ? "accepts task " + step.holding(step.framework()).tasks() : "declines"));
      for (Holding h : step.holdings()) {
        row.add(units.amounts(h.allocated()));
        row.add(Units.percent(h.dominantShare()));
      }
      steps.row(row);
    }
    out.append(steps.render(INDENT)).append('\n');

    Map<String, Double> free = filling.free();
    boolean full = free.values().stream().allMatch(v -> v <= 0);
    out.append(full ? "final (the cluster is full)\n"
        : "final (what is left, " + units.amounts(free) + ", fits no framework's task)\n");
    TextTable result = new TextTable("framework", "tasks", "holds", "dominant share").alignRight(1);
    for (Holding h : filling.holdings()) {
      String dominant = Fairness.dominantResource(filling.totals(), h.allocated());
      result.row(h.framework(), String.valueOf(h.tasks()), units.amounts(h.allocated()),
          Units.percent(h.dominantShare()) + (dominant == null ? "" : " (" + dominant + ")"));
    }
    out.append(result.render(INDENT)).append('\n');

    TextTable utilization = new TextTable("resource", "used", "total", "utilization").alignRight(1, 2, 3);
    filling.totals().forEach((resource, total) -> utilization.row(resource,
        units.amount(resource, Fairness.round(total - free.get(resource))), units.amount(resource, total),
        Units.percent(filling.utilization().get(resource))));
    out.append("utilization\n").append(utilization.render(INDENT));
    return out.toString();
  }

  /**
   * A max-min water-filling: the demands, one row per round (what was available, who was still
   * unsatisfied, the equal share, what each user got that round and holds after it, what was left),
   * and the final allocations.
   */
  public static String maxMin(Scenario.MaxMin scenario, WaterFilling filling) {
    StringBuilder out = new StringBuilder();
    out.append(scenario.name()).append(": ").append(scenario.description()).append('\n');
    out.append("water-filling: split what is left equally among the unsatisfied users, none taking more than it"
        + " needs; repeat with the leftover\n");
    out.append("demands, ascending: ").append(filling.users().stream()
        .sorted(Comparator.comparingDouble(User::demand))
        .map(u -> u.name() + " " + Units.number(u.demand())).collect(Collectors.joining(", "))).append("\n\n");

    List<String> headers = new ArrayList<>(List.of("round", "available", "unsatisfied", "equal share"));
    filling.users().forEach(u -> headers.add(u.name()));
    headers.add("left");
    TextTable rounds = new TextTable(headers).alignRight(0, 1, 3, headers.size() - 1);
    for (Round r : filling.rounds()) {
      List<String> row = new ArrayList<>(List.of(String.valueOf(r.number()), Units.number(r.available()),
          String.join(" ", r.unsatisfied()), Units.number(r.equalShare())));
      for (User u : filling.users()) {
        Double granted = r.granted().get(u.name());
        row.add(granted == null ? "" : "+" + Units.number(granted) + " = " + Units.number(r.allocations().get(u.name())));
      }
      row.add(Units.number(r.left()));
      rounds.row(row);
    }
    out.append(rounds.render(INDENT)).append('\n');

    boolean allMet = filling.users().stream()
        .allMatch(u -> filling.allocations().get(u.name()) >= u.demand() - 1e-9);
    out.append("final (").append(allMet ? "every demand is met" : "nothing is left").append("; unallocated: ")
        .append(Units.number(filling.unallocated())).append(")\n");
    TextTable result = new TextTable("user", "demand", "allocation", "status").alignRight(1, 2);
    for (User u : filling.users()) {
      double got = filling.allocations().get(u.name());
      double shortBy = u.demand() - got;
      result.row(u.name(), Units.number(u.demand()), Units.number(got),
          shortBy > 1e-9 ? "short by " + Units.number(shortBy) : "satisfied");
    }
    out.append(result.render(INDENT));
    return out.toString();
  }

  /** Each resource of a task as a share of the cluster: {@code cpus 30.0%, mem 10.0%}. */
  private static String shares(Map<String, Double> totals, Map<String, Double> task) {
    return task.entrySet().stream()
        .map(e -> e.getKey() + " " + Units.percent(e.getValue() / totals.get(e.getKey())))
        .collect(Collectors.joining(", "));
  }
}
