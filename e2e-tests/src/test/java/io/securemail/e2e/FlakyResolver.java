package io.securemail.e2e;

import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.DnssecState;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A resolver in front of another that can be made to time out: always, never, or on every other
 * question (each question, a name spelt as asked and a type, on its own), as a resolver does that
 * loses a packet now and then. Counts the questions, so a test can tell how often each part of the
 * operator looked.
 */
final class FlakyResolver implements DnsProbe {

  /** How the resolver behaves. */
  enum Mode { ANSWERS, DROPS_EVERY_OTHER, DOWN }

  private final DnsProbe behind;
  private volatile Mode mode = Mode.ANSWERS;
  private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> dropped = new ConcurrentHashMap<>();

  FlakyResolver(DnsProbe behind) {
    this.behind = behind;
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  /** Questions asked so far for name (spelt as asked) and type. */
  int asked(String name, String type) {
    return asked.getOrDefault(name + " " + type, new AtomicInteger()).get();
  }

  /** Questions left unanswered so far for name (spelt as asked) and type. */
  int dropped(String name, String type) {
    return dropped.getOrDefault(name + " " + type, new AtomicInteger()).get();
  }

  @Override
  public DnsAnswer lookup(String name, String type) {
    String question = name + " " + type;
    int n = asked.computeIfAbsent(question, k -> new AtomicInteger()).incrementAndGet();
    Mode now = mode;
    if (now == Mode.DOWN || (now == Mode.DROPS_EVERY_OTHER && n % 2 == 0)) {
      dropped.computeIfAbsent(question, k -> new AtomicInteger()).incrementAndGet();
      return DnsAnswer.failed(name, type, DnsAnswer.Outcome.UNREACHABLE, DnssecState.indeterminate,
          "resolver 127.0.53.1:53 did not answer: no answer within 2 s");
    }
    return behind.lookup(name, type);
  }
}
