package io.securemail.lab.support;

import java.util.List;

/**
 * Gives SIGINT and SIGTERM back to the JVM after Helm's library ran. helm-java runs Helm's Go code
 * in this process; once it is loaded (a template is enough) and again after an install, Go's
 * handlers hold both signals, the JVM never sees them, and Ctrl-C or a stopped build no longer runs
 * the shutdown hooks that stop the lab's servers and put the machine back as it was. Measured:
 * SIGTERM then left the JVM running with no hook started; with the handlers restored, the hooks run.
 */
public final class JvmSignals {

  private JvmSignals() {}

  @SuppressWarnings("removal")
  public static void restore() {
    for (String name : List.of("INT", "TERM")) {
      // The JVM's own behaviour for both: exit with 128 + the signal number, running shutdown hooks.
      sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> System.exit(128 + signal.getNumber()));
    }
  }
}
