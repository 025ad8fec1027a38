package dev.vmesos.agent.docker;

/**
 * A Docker operation that did not happen: the launch was refused (an unsupported option, a missing
 * image), or the engine could not be reached. {@link DockerEngineException} is the engine's own
 * refusal, with its HTTP status.
 */
public class DockerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public DockerException(String message) {
    super(message);
  }

  public DockerException(String message, Throwable cause) {
    super(message, cause);
  }
}
