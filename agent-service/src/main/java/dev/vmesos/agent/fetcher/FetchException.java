package dev.vmesos.agent.fetcher;

/** A URI that could not be fetched; the message names the URI and says why. */
public final class FetchException extends Exception {

  private final String uri;

  public FetchException(String uri, String reason) {
    super("Failed to fetch '" + uri + "': " + reason);
    this.uri = uri;
  }

  public FetchException(String uri, String reason, Throwable cause) {
    super("Failed to fetch '" + uri + "': " + reason, cause);
    this.uri = uri;
  }

  /** The URI as the task gave it. */
  public String uri() {
    return uri;
  }
}
