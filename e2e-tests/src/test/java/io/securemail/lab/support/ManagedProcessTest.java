package io.securemail.lab.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ManagedProcessTest {

  /** What a killed lab left behind: a process no ManagedProcess holds any more. */
  private static ProcessHandle leftBehind(String script) throws IOException {
    return new ProcessBuilder("bash", "-c", script).start().toHandle();
  }

  @Test
  void stopsAServerALabLeftBehind() throws Exception {
    ProcessHandle server = leftBehind("exec sleep 600");
    try {
      ManagedProcess.stopLeftBehind(server, "the test's sleeper", Duration.ofSeconds(10));
      assertThat(server.isAlive()).isFalse();
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void saysWhichServerDoesNotStop() throws Exception {
    // ignores SIGTERM, as a wedged daemon would
    ProcessHandle server = leftBehind("trap '' TERM; while true; do sleep 1; done");
    try {
      Thread.sleep(300); // the trap is set
      assertThatThrownBy(() -> ManagedProcess.stopLeftBehind(server, "the stubborn daemon", Duration.ofSeconds(1)))
          .isInstanceOf(IOException.class)
          .hasMessage("the stubborn daemon (pid " + server.pid() + ") does not stop within 1 s");
      assertThat(server.isAlive()).isTrue();
    } finally {
      server.descendants().forEach(ProcessHandle::destroyForcibly);
      server.destroyForcibly();
    }
  }
}
