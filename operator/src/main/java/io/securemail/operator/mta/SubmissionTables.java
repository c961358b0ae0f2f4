package io.securemail.operator.mta;

import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.SecureMailDomainSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What port 587 (submission, RFC 6409) checks beyond TLS and the client's network: the lookup
 * tables and the main.cf restriction lists master.cf's submission service points to.
 *
 * <ul>
 *   <li>The client authenticates with a TLS client certificate whose public key's SHA-256 digest
 *       spec.mta.submission.clientCertificates lists. Postfix computes the digest itself
 *       ({@code check_ccert_access}, the public key fingerprint with {@code smtpd_tls_fingerprint_digest
 *       = sha256}), so no SASL daemon runs beside it and no CA is involved: the listed key is the
 *       credential, as a TLSA 3 1 1 record pins a server's.
 *   <li>The envelope sender is an address of the domain: an authorised system can still not send
 *       as anyone else (RFC 6409 section 8 lets a submission server enforce this).
 * </ul>
 */
final class SubmissionTables {

  /** texthash table: a listed key's fingerprint, OK. */
  static final String CLIENT_KEYS = "submission_client_keys";
  /** regexp table: the domain's senders OK, everything else refused. */
  static final String SENDERS = "submission_senders";
  /** regexp table: refuses, with the reason, a client whose key is not listed. */
  static final String UNCERTIFIED = "submission_uncertified";

  private SubmissionTables() {}

  /** The tables by file name; none while submission is closed. */
  static Map<String, String> render(SecureMailDomainSpec spec) {
    MtaSpec mta = spec.getMta();
    if (!MtaManifests.submission(mta)) {
      return Map.of();
    }
    String domain = spec.getDomain().toLowerCase(Locale.ROOT);
    Map<String, String> tables = new TreeMap<>();
    StringBuilder keys = new StringBuilder("""
        # Rendered by securemail-operator: SHA-256 digests of the public keys whose certificates may
        # submit (spec.mta.submission.clientCertificates.spkiSha256), as Postfix prints fingerprints.
        """);
    for (String digest : digests(mta)) {
      keys.append(fingerprint(digest)).append(" OK\n");
    }
    tables.put(CLIENT_KEYS, keys.toString());
    tables.put(SENDERS, """
        # Rendered by securemail-operator: port 587 takes envelope senders of %1$s only (not its
        # subdomains, not the null sender).
        /@%2$s$/ OK
        /^/ REJECT 5.7.1 the sender address must belong to %1$s
        """.formatted(domain, domain.replace(".", "\\.")));
    tables.put(UNCERTIFIED, """
        # Rendered by securemail-operator: reached when the client's certificate key is not listed.
        /^/ REJECT 5.7.1 submission requires a TLS client certificate with a key this MTA knows
        """);
    return tables;
  }

  /** main.cf lines for master.cf's submission service; empty while submission is closed. */
  static String mainCf(MtaSpec mta, PostfixLayout layout) {
    if (!MtaManifests.submission(mta)) {
      return "";
    }
    return """

        # Submission (port 587, master.cf): the allowed networks (its mynetworks), then a client
        # certificate with a listed key, then a sender of the domain. A client that presents no
        # certificate, or another one, relays nothing (the uncertified table refuses it with the
        # reason; the final reject is what Postfix requires a relay restriction list to end in).
        smtpd_tls_fingerprint_digest = sha256
        securemail_submission_client_restrictions = permit_mynetworks, reject
        securemail_submission_sender_restrictions = check_sender_access regexp:%s
        securemail_submission_relay_restrictions = check_ccert_access texthash:%s, check_client_access regexp:%s, reject
        """.formatted(layout.configFile(SENDERS), layout.configFile(CLIENT_KEYS), layout.configFile(UNCERTIFIED));
  }

  /**
   * A SHA-256 digest in hex (64 digits, or colon-separated pairs) as Postfix writes a fingerprint:
   * upper case, pairs separated by colons.
   */
  static String fingerprint(String hex) {
    String digits = hex.replace(":", "").toUpperCase(Locale.ROOT);
    if (!digits.matches("[0-9A-F]{64}")) {
      throw new IllegalArgumentException("not a SHA-256 digest in hex: " + hex);
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < digits.length(); i += 2) {
      out.append(i == 0 ? "" : ":").append(digits, i, i + 2);
    }
    return out.toString();
  }

  /** The listed digests (an absent list is none). */
  static List<String> digests(MtaSpec mta) {
    var certs = mta.getSubmission() == null ? null : mta.getSubmission().getClientCertificates();
    return certs == null || certs.getSpkiSha256() == null ? List.of() : certs.getSpkiSha256();
  }
}
