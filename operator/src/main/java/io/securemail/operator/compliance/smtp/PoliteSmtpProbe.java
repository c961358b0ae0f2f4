package io.securemail.operator.compliance.smtp;

import io.securemail.operator.compliance.Profile;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * An SMTP probe that is polite to the servers it looks at, whoever asks: at most one connection at
 * a time to each address, however many domains name it; callers asking the same question at the
 * same time share one conversation; and an answer is reused for {@code reuseFor}, so a host that
 * serves many domains sees one probe per interval rather than one per domain. A server can only
 * tell these apart from one client by their timing, and an MX that sees bursts of connections from
 * one address may rate-limit or blocklist it (RFC 5321 section 4.5.4.1 asks clients for restraint).
 *
 * <p>A question is the host name (sent as SNI), address, port and what is offered (the profile's
 * weak offers or none). The last answer to each question is kept however old (one per MX host,
 * address and offer set), for {@link #lastAnswer}; whether it may be reused is a matter of its age.
 * Thread-safe.
 */
public final class PoliteSmtpProbe implements SmtpProbe {

  private record Question(String host, InetAddress address, int port, Profile profile) {}

  private record Answer(SmtpObservation observation, long at) {}

  private final SmtpProbe delegate;
  private final long reuseForNanos;
  private final AddressGate gate;
  private final LongSupplier nanoTime;
  private final Map<Question, Answer> answers = new ConcurrentHashMap<>();
  private final Map<Question, CompletableFuture<SmtpObservation>> inFlight = new ConcurrentHashMap<>();

  /**
   * @param reuseFor how long an answer stands for the same question (zero: only while it is being asked)
   * @param gate one connection at a time per address, shared with the other probes that pass it
   */
  public PoliteSmtpProbe(SmtpProbe delegate, Duration reuseFor, AddressGate gate) {
    this(delegate, reuseFor, gate, System::nanoTime);
  }

  PoliteSmtpProbe(SmtpProbe delegate, Duration reuseFor, AddressGate gate, LongSupplier nanoTime) {
    this.delegate = delegate;
    this.reuseForNanos = reuseFor.toNanos();
    this.gate = gate;
    this.nanoTime = nanoTime;
  }

  @Override
  public SmtpObservation probe(String mxHost, InetAddress address, int port) {
    return ask(new Question(mxHost.toLowerCase(Locale.ROOT), address, port, null),
        () -> delegate.probe(mxHost, address, port));
  }

  @Override
  public SmtpObservation probe(String mxHost, InetAddress address, int port, Profile profile) {
    return ask(new Question(mxHost.toLowerCase(Locale.ROOT), address, port, profile),
        () -> delegate.probe(mxHost, address, port, profile));
  }

  private SmtpObservation ask(Question question, Supplier<SmtpObservation> conversation) {
    Answer known = answers.get(question);
    if (known != null && nanoTime.getAsLong() - known.at() < reuseForNanos) {
      return known.observation();
    }
    CompletableFuture<SmtpObservation> mine = new CompletableFuture<>();
    CompletableFuture<SmtpObservation> running = inFlight.putIfAbsent(question, mine);
    if (running != null) {
      return running.join();
    }
    try {
      SmtpObservation observation = gate.oneAtATime(question.address(), conversation);
      answers.put(question, new Answer(observation, nanoTime.getAsLong()));
      mine.complete(observation);
      return observation;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(question, mine);
    }
  }

  @Override
  public java.util.Optional<SmtpObservation> lastAnswer(String mxHost, InetAddress address, int port) {
    return java.util.Optional.ofNullable(answers.get(new Question(mxHost.toLowerCase(Locale.ROOT), address, port,
        null))).map(Answer::observation);
  }
}
