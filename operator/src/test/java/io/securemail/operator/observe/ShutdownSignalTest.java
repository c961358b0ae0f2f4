package io.securemail.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.ShutdownEvent;
import org.junit.jupiter.api.Test;

/** The reconciler keeps failures out of status once the process stops: it reads this signal. */
class ShutdownSignalTest {

  @Test
  void theSignalIsDownWhileRunningAndUpOnceTheProcessStops() {
    ShutdownSignal signal = new ShutdownSignal();
    assertThat(signal.stopping()).isFalse();
    signal.onShutdown(new ShutdownEvent());
    assertThat(signal.stopping()).isTrue();
  }
}
