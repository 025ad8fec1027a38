package dev.vmesos.agent.docker;

import dev.vmesos.agent.container.ProcessLauncher;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sandbox's {@code stdout} and {@code stderr} files, open for appending, and the copy of a
 * container's multiplexed output stream into them. The stream is paused while a file's write queue is
 * full, so a chatty container cannot fill the agent's heap.
 */
final class SandboxOutput {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxOutput.class);

  private final AsyncFile stdout;
  private final AsyncFile stderr;
  private boolean closed;

  private SandboxOutput(AsyncFile stdout, AsyncFile stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Creates the sandbox if needed and opens (creating them empty) its stdout and stderr files. */
  static Future<SandboxOutput> open(Vertx vertx, Path sandbox) {
    FileSystem fs = vertx.fileSystem();
    OpenOptions append = new OpenOptions().setCreate(true).setWrite(true).setAppend(true);
    return fs.mkdirs(sandbox.toString())
        .compose(v -> fs.open(sandbox.resolve(ProcessLauncher.STDOUT).toString(), append))
        .compose(out -> fs.open(sandbox.resolve(ProcessLauncher.STDERR).toString(), append)
            .map(err -> new SandboxOutput(out, err))
            .onFailure(e -> out.close()));
  }

  /**
   * Copies {@code stream} (paused or not; handlers are set before it is resumed) into the files
   * until it ends, then closes them. Completes once the files are closed.
   */
  Future<Void> copy(ReadStream<Buffer> stream, String container) {
    Promise<Void> done = Promise.promise();
    stdout.exceptionHandler(e -> LOG.warn("Cannot write stdout of Docker container {}: {}", container, e.getMessage()));
    stderr.exceptionHandler(e -> LOG.warn("Cannot write stderr of Docker container {}: {}", container, e.getMessage()));
    MultiplexedStreamDecoder decoder = new MultiplexedStreamDecoder((kind, bytes) -> {
      AsyncFile file = switch (kind) {
        case MultiplexedStreamDecoder.STDOUT -> stdout;
        case MultiplexedStreamDecoder.STDERR -> stderr;
        default -> null;
      };
      if (closed) {
        return;
      }
      if (file == null) {
        LOG.debug("Dropping {} bytes of stream {} from Docker container {}", bytes.length(), kind, container);
        return;
      }
      file.write(bytes);
      if (file.writeQueueFull()) {
        stream.pause();
        file.drainHandler(v -> stream.resume());
      }
    });
    stream.exceptionHandler(e -> {
      LOG.warn("Output stream of Docker container {} failed: {}", container, e.getMessage());
      close().onComplete(ar -> done.tryFail(e));
    });
    stream.endHandler(v -> {
      if (decoder.midFrame()) {
        LOG.warn("Output stream of Docker container {} ended in the middle of a frame", container);
      }
      LOG.debug("Output stream of Docker container {} ended", container);
      close().onComplete(done);
    });
    stream.handler(decoder::feed);
    stream.resume();
    return done.future();
  }

  /** Closes both files once their pending writes are done; closing twice is harmless. */
  Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    return Future.all(stdout.close(), stderr.close()).mapEmpty();
  }
}
