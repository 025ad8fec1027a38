package dev.vmesos.api.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vmesos.api.config.Credentials;
import dev.vmesos.api.config.FlagException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;

/**
 * The {@code --credentials} and {@code --credential} files (Mesos's JSON format and its text format) on
 * hostile content: credentials, or a {@link FlagException} naming the flag; nothing else escapes, and
 * every credential read has a principal and a secret.
 */
class CredentialsFuzzTest {

  private static final FuzzCounter RUNS = new FuzzCounter("credentials files");
  private static final Path FILE;

  static {
    try {
      FILE = Files.createTempFile("vmesos-fuzz-credentials", ".txt");
      FILE.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "10s")
  void read(byte[] content) throws IOException {
    RUNS.run();
    Files.write(FILE, content);
    try {
      for (Credentials.Credential credential : Credentials.readList("credentials", FILE.toString()).all()) {
        assertThat(credential.principal()).isNotEmpty();
      }
    } catch (FlagException refused) {
      assertThat(refused.getMessage()).startsWith("Flag '--credentials': ");
    }
    try {
      assertThat(Credentials.readOne("credential", FILE.toString()).principal()).isNotEmpty();
    } catch (FlagException refused) {
      assertThat(refused.getMessage()).startsWith("Flag '--credential': ");
    }
  }

  @AfterAll
  static void report() {
    RUNS.report();
  }
}
