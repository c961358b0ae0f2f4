package io.securemail.operator.compliance.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.smtp.SmtpObservation.Outcome;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a server sees of the operator's probes, however many domains name it. */
class PoliteSmtpProbeTest {

  private static final InetAddress MX = address("192.0.2.10");
  private static final InetAddress OTHER_MX = address("192.0.2.20");

  private final ExecutorService callers = Executors.newFixedThreadPool(20);
  private final AtomicLong nanos = new AtomicLong();

  @AfterEach
  void stop() {
    callers.shutdownNow();
  }

  /** A probe that takes {@code millis} per conversation and counts them, and the most at once per address. */
  static final class SlowServer implements SmtpProbe {
    final AtomicInteger conversations = new AtomicInteger();
    final AtomicInteger atOnce = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    final long millis;

    SlowServer(long millis) {
      this.millis = millis;
    }

    @Override
    public SmtpObservation probe(String mxHost, InetAddress address, int port) {
      conversations.incrementAndGet();
      mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        atOnce.decrementAndGet();
      }
      return new SmtpObservation(mxHost, address.getHostAddress(), port, Outcome.NO_STARTTLS, "220 ok", null, List.of(),
          "conversation " + conversations.get());
    }
  }

  private PoliteSmtpProbe polite(SmtpProbe server, Duration reuseFor) {
    return new PoliteSmtpProbe(server, reuseFor, new AddressGate(), nanos::get);
  }

  private List<SmtpObservation> askAtOnce(PoliteSmtpProbe probe, int callers, String... hosts) {
    List<CompletableFuture<SmtpObservation>> asked = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      String host = hosts[i % hosts.length];
      asked.add(CompletableFuture.supplyAsync(() -> probe.probe(host, MX, 25), this.callers));
    }
    return asked.stream().map(CompletableFuture::join).toList();
  }

  @Test
  void domainsAskingAboutTheSameMxAtOnceShareOneConversation() {
    SlowServer server = new SlowServer(300);
    List<SmtpObservation> answers = askAtOnce(polite(server, Duration.ZERO), 20, "mx.provider.example");

    assertThat(server.conversations).hasValue(1);
    assertThat(answers).extracting(SmtpObservation::detail).containsOnly("conversation 1");
  }

  @Test
  void anAddressSeesOneConnectionAtATimeWhateverTheHostName() {
    SlowServer server = new SlowServer(50);
    askAtOnce(polite(server, Duration.ZERO), 8, "mx1.a.example", "mx1.b.example", "mx1.c.example", "mx1.d.example");

    assertThat(server.conversations).hasValue(4);
    assertThat(server.mostAtOnce).hasValue(1);
  }

  @Test
  void probesSharingAGateNeverTalkToOneAddressAtOnce() {
    SlowServer server = new SlowServer(50);
    AddressGate gate = new AddressGate();
    // The key probe and the compliance checks ask different questions of the same MX.
    PoliteSmtpProbe keys = new PoliteSmtpProbe(server, Duration.ZERO, gate, nanos::get);
    PoliteSmtpProbe checks = new PoliteSmtpProbe(server, Duration.ZERO, gate, nanos::get);
    List<CompletableFuture<SmtpObservation>> asked = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      PoliteSmtpProbe probe = i % 2 == 0 ? keys : checks;
      String host = "mx" + i + ".example";
      asked.add(CompletableFuture.supplyAsync(() -> probe.probe(host, MX, 25), callers));
    }
    asked.forEach(CompletableFuture::join);

    assertThat(server.conversations).hasValue(6);
    assertThat(server.mostAtOnce).hasValue(1);
  }

  @Test
  void differentAddressesAreProbedAtTheSameTime() {
    SlowServer server = new SlowServer(300);
    PoliteSmtpProbe probe = polite(server, Duration.ZERO);
    CompletableFuture<SmtpObservation> one = CompletableFuture.supplyAsync(() -> probe.probe("mx1.example", MX, 25),
        callers);
    CompletableFuture<SmtpObservation> two = CompletableFuture.supplyAsync(
        () -> probe.probe("mx2.example", OTHER_MX, 25), callers);
    CompletableFuture.allOf(one, two).join();

    assertThat(server.mostAtOnce).hasValue(2);
  }

  @Test
  void anAnswerStandsForItsIntervalAndNoLonger() {
    SlowServer server = new SlowServer(0);
    PoliteSmtpProbe probe = polite(server, Duration.ofSeconds(60));

    probe.probe("mx.provider.example", MX, 25);
    nanos.addAndGet(Duration.ofSeconds(59).toNanos());
    assertThat(probe.probe("MX.provider.example", MX, 25).detail()).isEqualTo("conversation 1");
    assertThat(server.conversations).hasValue(1);

    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(probe.probe("mx.provider.example", MX, 25).detail()).isEqualTo("conversation 2");
    // Another port is another question.
    probe.probe("mx.provider.example", MX, 2525);
    assertThat(server.conversations).hasValue(3);
  }

  private static InetAddress address(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
