package io.securemail.operator.evidence.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The requirement areas of BSI TR-03108-1 that the operator collects evidence for, each with the
 * compliance checks that judge it from the outside and the other recorded history that bears on it
 * (docs/bsi-tr-03108.md has the areas, docs/evidence.md this mapping). Every check id belongs to
 * exactly one area; an id no area lists (a check newer than this command) is shown under
 * {@link #UNMAPPED_ID}, never dropped.
 */
enum RequirementArea {

  TRANSPORT("transport", "Transport encryption between MTAs",
      "STARTTLS, TLS 1.2 or newer, cipher suites of TR-02102-2",
      List.of("smtp.starttls", "tls.version", "tls.cipher"), List.of("reports")),
  DNSSEC("dnssec", "Protected DNS lookups",
      "DNSSEC for the provider's zones, so that senders can trust its MX and TLSA records",
      List.of("dns.mx", "dnssec.domain", "dnssec.mx"), List.of("mx", "reports")),
  DANE("dane", "Obligatory encryption with DANE",
      "TLSA records for every MX host that match the key it serves, through every key rollover",
      List.of("dane.tlsa", "dane.match", "dane.rollover"), List.of("rollovers", "reports")),
  CERTIFICATES("certificates", "Trustworthy certificates",
      "valid certificates for every MX host from a CA that CAA allows, renewed before they expire",
      List.of("cert.pkix", "cert.expiry", "cert.caa"), List.of("rollovers")),
  MTA_STS("mta-sts", "Strict transport for senders without DANE",
      "an MTA-STS policy in enforce mode that lists every MX host, and TLS reporting",
      List.of("mtasts.record", "mtasts.policy", "mtasts.mx", "mtasts.mode", "tlsrpt.record"),
      List.of("mtaSts", "mx", "reports")),
  INCIDENTS("incidents", "Detecting security incidents",
      "failures senders report (TLS-RPT), told apart from the operator's own changes",
      List.of(), List.of("reports", "rollovers", "mtaSts", "mx"));

  /** The id of the area that collects check ids no area lists. */
  static final String UNMAPPED_ID = "unmapped";
  static final String UNMAPPED_TITLE = "Checks of no requirement area";

  private final String id;
  private final String title;
  private final String requirement;
  private final List<String> checks;
  private final List<String> otherEvidence;

  RequirementArea(String id, String title, String requirement, List<String> checks, List<String> otherEvidence) {
    this.id = id;
    this.title = title;
    this.requirement = requirement;
    this.checks = checks;
    this.otherEvidence = otherEvidence;
  }

  String id() {
    return id;
  }

  String title() {
    return title;
  }

  /** What the area asks, in a line. */
  String requirement() {
    return requirement;
  }

  /** The check ids that judge this area. */
  List<String> checks() {
    return checks;
  }

  /** The document's other lists that bear on this area: rollovers, mtaSts, mx, reports. */
  List<String> otherEvidence() {
    return otherEvidence;
  }

  static Optional<RequirementArea> ofCheck(String checkId) {
    return Arrays.stream(values()).filter(area -> area.checks.contains(checkId)).findFirst();
  }
}
