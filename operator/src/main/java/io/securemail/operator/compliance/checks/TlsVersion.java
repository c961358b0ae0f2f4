package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import io.securemail.operator.compliance.smtp.TlsAttempt;
import io.securemail.operator.compliance.smtp.TlsOffer;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * tls.version: TLS 1.2 or 1.3 is negotiated, and TLS 1.0/1.1 are refused when offered alone. RFC 8996
 * deprecates TLS 1.0 and 1.1; negotiating them fails under every profile, merely accepting them fails
 * under bsi-tr-03108 and is a warning under rfc (opportunistic senders may still use them).
 */
final class TlsVersion implements Check {

  static final String ID = "tls.version";
  private static final Set<TlsOffer> LEGACY = Set.of(TlsOffer.TLS_1_0, TlsOffer.TLS_1_1);

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
    String version = smtp.tls().version();
    if (version.equals("TLSv1.0") || version.equals("TLSv1.1")) {
      return CheckResult.fail(ID, subject, smtp.address() + " chose " + version
          + " although TLS 1.3 and 1.2 were offered; TLS 1.0 and 1.1 are deprecated (RFC 8996)");
    }
    List<TlsAttempt> legacy = smtp.attempts().stream().filter(a -> LEGACY.contains(a.offer())).toList();
    List<String> accepted = legacy.stream().filter(a -> a.result() == TlsAttempt.Result.ACCEPTED)
        .map(a -> a.offer().label() + " (" + a.negotiated() + ")").toList();
    if (!accepted.isEmpty()) {
      String message = smtp.address() + " accepts " + String.join(" and ", accepted) + "; ";
      return profile.requiresModernTls()
          ? CheckResult.fail(ID, subject, message + profile + " allows only TLS 1.2 and 1.3")
          : CheckResult.warn(ID, subject, message + "TLS 1.0 and 1.1 are deprecated (RFC 8996)");
    }
    List<String> unknown = legacy.stream().filter(a -> a.result() == TlsAttempt.Result.INCONCLUSIVE)
        .map(a -> a.offer().label() + " (" + a.detail() + ")").toList();
    if (!unknown.isEmpty() || legacy.size() < LEGACY.size()) {
      return CheckResult.warn(ID, subject, version + " negotiated, but whether older versions are refused is unknown: "
          + (unknown.isEmpty() ? "not tested" : String.join("; ", unknown)));
    }
    return CheckResult.pass(ID, subject, version + " negotiated; TLS 1.0 and 1.1 refused");
  }
}
