package io.securemail.operator.observe;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Whether the operator is stopping. Set before the SDK stops its controllers (this observer's
 * priority comes first), so a reconcile still running while the process ends can tell that its
 * failures are the shutdown's (a closed client, an interrupted lookup), not the domain's: such a
 * reconcile must not report them in status, where the next process would only have to take them back.
 */
@ApplicationScoped
public class ShutdownSignal {

  private volatile boolean stopping;

  void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
    stopping = true;
  }

  /**
   * Also true from the moment the JVM runs its shutdown hooks, before Quarkus fires its event: the
   * hooks run at once, and one of a library (dnsjava closes its selector) can fail a reconcile in
   * that window.
   */
  public boolean stopping() {
    return stopping || jvmStopping();
  }

  /** Whether the JVM is already running its shutdown hooks: no new hook may be added then. */
  public static boolean jvmStopping() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
