package dev.vmesos.agent.docker;

/**
 * The labels vmesos puts on every container it creates, so that an agent restarted without its
 * memory can find its containers ({@code GET /containers/json} filtered on {@link #AGENT_ID}) and tell
 * whose they are.
 */
public final class ContainerLabels {

  public static final String PREFIX = "dev.vmesos.";
  public static final String AGENT_ID = PREFIX + "agent_id";
  public static final String FRAMEWORK_ID = PREFIX + "framework_id";
  public static final String EXECUTOR_ID = PREFIX + "executor_id";
  public static final String TASK_ID = PREFIX + "task_id";
  public static final String CONTAINER_ID = PREFIX + "container_id";

  private ContainerLabels() {
  }
}
