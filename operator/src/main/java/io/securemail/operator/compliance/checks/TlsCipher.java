package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.smtp.CipherSuites;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import io.securemail.operator.compliance.smtp.TlsAttempt;
import io.securemail.operator.compliance.smtp.TlsOffer;
import io.securemail.operator.compliance.smtp.Tr02102Suites;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * tls.cipher: the suite the server chooses from a normal offer, and every suite it accepts when
 * offered only one group of suites ({@link TlsOffer#probesFor}).
 *
 * <ul>
 *   <li>bsi-tr-03108: every suite seen must be in {@link Tr02102Suites} (BSI TR-02102-2 Table 1 for
 *       TLS 1.2, Table 11 for TLS 1.3); any other fails, named. Table 1's CBC suites pass.
 *   <li>rfc: suites without forward secrecy or without AEAD are warnings; RFC 7435 opportunistic
 *       SMTP restricts no suites, but they are worth knowing.
 *   <li>both: an anonymous (aNULL) suite fails, since it leaves the server unauthenticated, which no
 *       DANE or MTA-STS policy can then make up for (RFC 7672 section 3.1.3 and RFC 8461 section 4.2
 *       both authenticate the server's certificate).
 * </ul>
 */
final class TlsCipher implements Check {

  static final String ID = "tls.cipher";

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
    List<TlsAttempt> probes = smtp.attempts().stream().filter(a -> !a.offer().probesVersion()).toList();
    List<TlsAttempt> accepted = probes.stream().filter(a -> a.result() == TlsAttempt.Result.ACCEPTED).toList();

    List<String> anonymous = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    judge("chose " + chosen, chosen, " from a normal offer", profile, anonymous, problems);
    for (TlsAttempt a : accepted) {
      judge("accepts " + a.offer().label() + ": " + a.negotiated(), a.suite(), "", profile, anonymous, problems);
    }
    if (!anonymous.isEmpty() || (!problems.isEmpty() && profile.requiresTr02102Suites())) {
      List<String> reasons = new ArrayList<>();
      if (!anonymous.isEmpty()) {
        reasons.add("anonymous suites leave the server unauthenticated (no certificate), open to an active attacker");
      }
      if (!problems.isEmpty() && profile.requiresTr02102Suites()) {
        reasons.add(profile + " allows only the suites of " + Tr02102Suites.SOURCE
            + ", Table 1 (TLS 1.2) and Table 11 (TLS 1.3)");
      }
      List<String> all = new ArrayList<>(anonymous);
      all.addAll(problems);
      return CheckResult.fail(ID, subject, smtp.address() + " " + String.join("; ", all) + "; "
          + String.join("; ", reasons));
    }
    if (!problems.isEmpty()) {
      return CheckResult.warn(ID, subject, smtp.address() + " " + String.join("; ", problems));
    }

    List<TlsOffer> needed = TlsOffer.probesFor(profile).stream().filter(o -> !o.probesVersion()).toList();
    List<String> unknown = new ArrayList<>();
    for (TlsOffer offer : needed) {
      probes.stream().filter(a -> a.offer() == offer).findFirst().ifPresentOrElse(
          a -> {
            if (a.result() == TlsAttempt.Result.INCONCLUSIVE) {
              unknown.add(offer.label() + " (" + a.detail() + ")");
            }
          },
          () -> unknown.add(offer.label() + " (not tested)"));
    }
    if (!unknown.isEmpty()) {
      return CheckResult.warn(ID, subject, chosen + " chosen, but whether other suites are refused is unknown: "
          + String.join("; ", unknown));
    }
    return CheckResult.pass(ID, subject, chosen + " chosen; " + (profile.requiresTr02102Suites()
        ? "no suite outside " + Tr02102Suites.SOURCE + " Tables 1 and 11 accepted"
        : "suites without forward secrecy, CBC suites and anonymous suites refused"));
  }

  /**
   * Sorts one suite the server chose or accepted: anonymous ones (a failure everywhere), ones the
   * profile objects to, or none.
   */
  private static void judge(String what, String suite, String context, Profile profile, List<String> anonymous,
      List<String> problems) {
    if (CipherSuites.isAnonymous(suite)) {
      anonymous.add(what + context);
    } else if (profile.requiresTr02102Suites() ? !Tr02102Suites.recommended(suite) : !CipherSuites.isStrong(suite)) {
      problems.add(what + (profile.requiresTr02102Suites() ? "" : weakness(suite)) + context);
    }
  }

  private static String weakness(String suite) {
    if (!CipherSuites.isForwardSecret(suite)) {
      return " (no forward secrecy)";
    }
    return CipherSuites.isAead(suite) ? "" : " (CBC, not AEAD)";
  }
}
