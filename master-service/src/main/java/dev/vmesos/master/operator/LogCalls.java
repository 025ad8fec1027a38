package dev.vmesos.master.operator;

import com.google.protobuf.ByteString;
import dev.vmesos.api.logging.Logging;
import dev.vmesos.api.v1.Protos.FileInfo;
import dev.vmesos.api.v1.master.Protos.Call;
import dev.vmesos.api.v1.master.Protos.Response;
import dev.vmesos.cluster.logging.LoggingRoutes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The master's operator calls about its logs: GET_LOGGING_LEVEL and SET_LOGGING_LEVEL (glog's
 * verbosity, which {@link Logging} maps onto Logback levels; a level other than 0 reverts after
 * {@code duration}), and LIST_FILES and READ_FILE of its log file ({@code /master/log}), which exists
 * while the master logs to {@code --log_dir}; any other path is 404, as on a Mesos master without
 * further attached files. Reads are bounded ({@link LoggingRoutes#MAX_READ}) so they stay short.
 */
final class LogCalls {

  private LogCalls() {
  }

  static OperatorResult handle(Call call, String logPath) {
    switch (call.getType()) {
      case GET_LOGGING_LEVEL -> {
        return OperatorResult.ok(Response.newBuilder().setType(Response.Type.GET_LOGGING_LEVEL)
            .setGetLoggingLevel(Response.GetLoggingLevel.newBuilder().setLevel(Logging.verbosity())).build());
      }
      case SET_LOGGING_LEVEL -> {
        Call.SetLoggingLevel set = call.getSetLoggingLevel();
        if (set.getLevel() < 0) {
          return OperatorResult.badRequest("Invalid level '" + Integer.toUnsignedString(set.getLevel()) + "'");
        }
        if (!set.hasDuration() || set.getDuration().getNanoseconds() < 0) {
          return OperatorResult.badRequest("Expecting a non-negative 'set_logging_level.duration'");
        }
        Logging.setVerbosity(set.getLevel(), Duration.ofNanos(set.getDuration().getNanoseconds()));
        return OperatorResult.okEmpty();
      }
      case LIST_FILES -> {
        Optional<Path> file = LoggingRoutes.resolve(call.getListFiles().getPath(), logPath);
        if (file.isEmpty()) {
          return notFound(call.getListFiles().getPath());
        }
        try {
          FileInfo info = LoggingRoutes.fileInfo(file.get(), logPath);
          return OperatorResult.ok(Response.newBuilder().setType(Response.Type.LIST_FILES)
              .setListFiles(Response.ListFiles.newBuilder().addFileInfos(info)).build());
        } catch (IOException e) {
          return new OperatorResult(500, "Failed to list " + logPath + ": " + e.getMessage(), null);
        }
      }
      case READ_FILE -> {
        Call.ReadFile read = call.getReadFile();
        if (read.getOffset() < 0) {
          return OperatorResult.badRequest("'read_file.offset' is too large");
        }
        Optional<Path> file = LoggingRoutes.resolve(read.getPath(), logPath);
        if (file.isEmpty()) {
          return notFound(read.getPath());
        }
        long length = !read.hasLength() || read.getLength() < 0 ? -1 : read.getLength();
        try {
          LoggingRoutes.Chunk chunk = LoggingRoutes.chunk(file.get(), read.getOffset(), length);
          return OperatorResult.ok(Response.newBuilder().setType(Response.Type.READ_FILE)
              .setReadFile(Response.ReadFile.newBuilder().setSize(chunk.size())
                  .setData(ByteString.copyFrom(chunk.data()))).build());
        } catch (IOException e) {
          return new OperatorResult(500, "Failed to read " + logPath + ": " + e.getMessage(), null);
        }
      }
      default -> throw new IllegalArgumentException(call.getType().toString());
    }
  }

  private static OperatorResult notFound(String path) {
    return new OperatorResult(404, "No such file or directory: '" + path + "'", null);
  }
}
