package dev.vmesos.agent.docker;

/**
 * The Docker engine answered an Engine API call with an error status. The message reads
 * {@code <operation> failed: HTTP <status>: <engine message>}.
 */
public final class DockerEngineException extends DockerException {

  private static final long serialVersionUID = 1L;

  private final String operation;
  private final int status;
  private final String engineMessage;

  public DockerEngineException(String operation, int status, String engineMessage) {
    super(operation + " failed: HTTP " + status + ": " + engineMessage);
    this.operation = operation;
    this.status = status;
    this.engineMessage = engineMessage;
  }

  /** What was asked, e.g. {@code Docker start of container mesos-1}. */
  public String operation() {
    return operation;
  }

  /** The HTTP status the engine answered with (404 no such container or image, 409 conflict, ...). */
  public int status() {
    return status;
  }

  /** The engine's {@code message}, or its raw body when that was not the usual JSON. */
  public String engineMessage() {
    return engineMessage;
  }
}
