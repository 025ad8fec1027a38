package dev.vmesos.master.registry;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.vmesos.api.registry.RegistryProtos.Registry;

/** Small helpers over {@link Registry} values. */
public final class Registries {

  private Registries() {
  }

  /** What a store answers when it has never been written: epoch 0, version 0. */
  public static Registry empty() {
    return Registry.newBuilder().setEpoch(0).setVersion(0).build();
  }

  /** Whether {@code a} was written after {@code b}: higher epoch, then higher version. */
  public static boolean newer(Registry a, Registry b) {
    if (a.getEpoch() != b.getEpoch()) {
      return Long.compareUnsigned(a.getEpoch(), b.getEpoch()) > 0;
    }
    return Long.compareUnsigned(a.getVersion(), b.getVersion()) > 0;
  }

  /** The newer of two registries ({@code a} when they are as new). */
  public static Registry newest(Registry a, Registry b) {
    return newer(b, a) ? b : a;
  }

  static Registry parse(byte[] bytes, String source) {
    return parse(bytes, source, "");
  }

  /** Parses a registry; a failure names its source, and {@code advice} follows. */
  static Registry parse(byte[] bytes, String source, String advice) {
    try {
      return Registry.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("The registry in " + source + " is corrupt: " + e.getMessage() + advice, e);
    }
  }

  static String describe(Registry registry) {
    return "epoch " + Long.toUnsignedString(registry.getEpoch()) + " version "
        + Long.toUnsignedString(registry.getVersion()) + " (" + registry.getAgentsCount() + " agents, "
        + registry.getFrameworksCount() + " frameworks)";
  }
}
