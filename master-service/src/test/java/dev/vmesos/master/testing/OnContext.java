package dev.vmesos.master.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs test code on a Vert.x context (where bridge clients must be made and called) and waits for it. */
public final class OnContext {

  private OnContext() {
  }

  /** Runs {@code action} on a context of {@code vertx}; returns its result within 10 s. */
  public static <T> T call(Vertx vertx, Callable<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      try {
        result.complete(action.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  /** Starts {@code call} on a context of {@code vertx}; returns what its future completes with, within 15 s. */
  public static <T> T await(Vertx vertx, Supplier<Future<T>> call) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    vertx.runOnContext(v -> call.get().onComplete(done -> {
      if (done.succeeded()) {
        result.complete(done.result());
      } else {
        result.completeExceptionally(done.cause());
      }
    }));
    return result.get(15, TimeUnit.SECONDS);
  }
}
