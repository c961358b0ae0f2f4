package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.smtp.CipherSuites;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import io.securemail.operator.compliance.smtp.TlsAttempt;
import io.securemail.operator.compliance.smtp.TlsOffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * tls.cipher: only forward-secret AEAD suites are accepted. The server's choice from a normal offer
 * is judged, and two more handshakes offer only RSA key exchange or only CBC suites. Failures under
 * bsi-tr-03108; warnings under rfc, which does not restrict suites for opportunistic SMTP.
 */
final class TlsCipher implements Check {

  static final String ID = "tls.cipher";
  private static final Set<TlsOffer> WEAK = Set.of(TlsOffer.STATIC_RSA, TlsOffer.CBC);

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    return o.mxHosts().stream().flatMap(mx -> mx.smtp().stream()).map(s -> evaluate(s, profile)).toList();
  }

  private CheckResult evaluate(SmtpObservation smtp, Profile profile) {
    String subject = smtp.subject();
    if (smtp.tls() == null) {
      return CheckResult.skip(ID, subject, "no TLS session to judge (see smtp.starttls)");
    }
    String chosen = smtp.tls().cipherSuite();
    List<String> problems = new ArrayList<>();
    if (!CipherSuites.isStrong(chosen)) {
      problems.add("chose " + chosen + weakness(chosen) + " from a normal offer");
    }
    List<TlsAttempt> weak = smtp.attempts().stream().filter(a -> WEAK.contains(a.offer())).toList();
    weak.stream().filter(a -> a.result() == TlsAttempt.Result.ACCEPTED)
        .forEach(a -> problems.add("accepts " + a.offer().label() + ": " + a.negotiated()));
    if (!problems.isEmpty()) {
      String message = smtp.address() + " " + String.join("; ", problems);
      return profile.requiresModernTls()
          ? CheckResult.fail(ID, subject, message + "; " + profile + " allows only forward-secret AEAD suites")
          : CheckResult.warn(ID, subject, message);
    }
    List<String> unknown = weak.stream().filter(a -> a.result() == TlsAttempt.Result.INCONCLUSIVE)
        .map(a -> a.offer().label() + " (" + a.detail() + ")").toList();
    if (!unknown.isEmpty() || weak.size() < WEAK.size()) {
      return CheckResult.warn(ID, subject, chosen + " chosen, but whether weak suites are refused is unknown: "
          + (unknown.isEmpty() ? "not tested" : String.join("; ", unknown)));
    }
    return CheckResult.pass(ID, subject, chosen + " chosen; suites without forward secrecy and CBC suites refused");
  }

  private static String weakness(String suite) {
    if (!CipherSuites.isForwardSecret(suite)) {
      return " (no forward secrecy)";
    }
    return CipherSuites.isAead(suite) ? "" : " (CBC, not AEAD)";
  }
}
