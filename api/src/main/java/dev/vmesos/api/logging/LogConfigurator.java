package dev.vmesos.api.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration for every vmesos JVM (master, agent, the deploy commands, the example
 * frameworks), found by Logback through {@code META-INF/services}: one line per event on stderr, or
 * in {@code <vmesos.log_dir>/<vmesos.log_name>.log} with size-based rotation when that system
 * property is set ({@link Logging.Settings#fromSystemProperties}). A JVM started with
 * {@code -Dlogback.configurationFile=...} gets that file instead.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    Logging.apply(context, Logging.Settings.fromSystemProperties());
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
