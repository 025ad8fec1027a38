package dev.vmesos.master.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmesos.api.registry.RegistryProtos.Registry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskRegistryStoreTest {

  @TempDir
  Path workDir;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Registry registry(long epoch, long version) {
    return Registry.newBuilder().setEpoch(epoch).setVersion(version).putWeights("role", version).build();
  }

  @Test
  void aRegistryWrittenIsRecoveredByTheNextMasterOnThatWorkDir() throws Exception {
    await(new DiskRegistryStore(vertx, workDir).store(registry(2, 5)));

    Registry recovered = await(new DiskRegistryStore(vertx, workDir).recover());

    assertThat(recovered).isEqualTo(registry(2, 5));
    assertThat(workDir.resolve("registry").resolve("registry.pb")).exists();
  }

  @Test
  void aNewCopyReplacesTheOldOneWholeAndLeavesNoTemporaryFile() throws Exception {
    DiskRegistryStore store = new DiskRegistryStore(vertx, workDir);
    await(store.store(registry(1, 1)));
    await(store.store(registry(1, 2)));

    try (var files = Files.list(workDir.resolve("registry"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("registry.pb");
    }
    assertThat(Registry.parseFrom(Files.readAllBytes(store.file()))).isEqualTo(registry(1, 2));
  }

  @Test
  void anOlderCopyDoesNotReplaceANewerOne() throws Exception {
    DiskRegistryStore store = new DiskRegistryStore(vertx, workDir);
    await(store.store(registry(2, 7)));

    Registry held = await(store.persist(registry(1, 9)));

    assertThat(held).isEqualTo(registry(2, 7));
    assertThat(await(new DiskRegistryStore(vertx, workDir).recover())).isEqualTo(registry(2, 7));
  }

  @Test
  void aCorruptFileStopsRecoveryWithAMessageNamingIt() throws Exception {
    Path file = workDir.resolve("registry").resolve("registry.pb");
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[] {(byte) 0xff, (byte) 0xff, 0x01});

    assertThatThrownBy(() -> await(new DiskRegistryStore(vertx, workDir).recover()))
        .cause().isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("The registry in " + file + " is corrupt");
  }

  @Test
  void noFileMeansAnEmptyRegistryAndNoWorkDirKeepsItInMemory() throws Exception {
    assertThat(await(new DiskRegistryStore(vertx, workDir).recover())).isEqualTo(Registries.empty());

    DiskRegistryStore memory = new DiskRegistryStore(vertx, null);
    await(memory.store(registry(1, 3)));

    assertThat(await(memory.recover())).isEqualTo(registry(1, 3));
    assertThat(memory.file()).isNull();
  }
}
