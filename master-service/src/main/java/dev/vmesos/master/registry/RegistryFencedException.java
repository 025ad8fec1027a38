package dev.vmesos.master.registry;

/** A registry write refused because a later leader has written the registry since. */
public final class RegistryFencedException extends RuntimeException {

  public RegistryFencedException(String message) {
    super(message, null, false, false);
  }
}
