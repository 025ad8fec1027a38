package dev.vmesos.compat;

import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Supplies one {@link VmesosProcess} to every test class of the run: it is started on first use and
 * stopped when the whole run ends (JUnit closes resources of the root store last). Tests that share
 * it must leave the cluster as they found it: every framework tears itself down.
 */
final class VmesosExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(VmesosExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == VmesosProcess.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Running running = context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent("vmesos", key -> new Running(), Running.class);
    if (running.failure != null) {
      // Started once per run: later classes fail at once rather than wait for another start.
      throw running.failure;
    }
    return running.process;
  }

  private static final class Running implements ExtensionContext.Store.CloseableResource {
    private final VmesosProcess process;
    private final IllegalStateException failure;

    Running() {
      VmesosProcess started = null;
      IllegalStateException failed = null;
      try {
        started = VmesosProcess.start(Duration.ofSeconds(60));
      } catch (Exception e) {
        failed = new IllegalStateException("could not start vmesos", e);
      }
      process = started;
      failure = failed;
    }

    @Override
    public void close() {
      if (process != null) {
        process.close();
      }
    }
  }
}
