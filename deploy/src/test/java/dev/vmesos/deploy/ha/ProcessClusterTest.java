package dev.vmesos.deploy.ha;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test that runs masters and agents as processes ({@link MasterProcesses}) and talks to them from a
 * Vert.x of its own; both are stopped after each test, and the work directory (with every process's
 * log) is kept when the test fails.
 */
abstract class ProcessClusterTest {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  MasterProcesses cluster;
  Vertx vertx;

  @AfterEach
  void stopProcesses() throws Exception {
    if (vertx != null) {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
  }
}
