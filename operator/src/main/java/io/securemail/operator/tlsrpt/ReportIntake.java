package io.securemail.operator.tlsrpt;

/**
 * Where a received SMTP TLS report goes, whichever of the two transports of RFC 8460 section 3
 * carried it: an HTTPS POST or a mail to a {@code mailto:} address of the domain's {@code rua}.
 */
public interface ReportIntake {

  /** The transport that delivered a report (RFC 8460 section 3). */
  enum Channel { HTTPS, MAILTO }

  /** What became of one report. */
  enum Verdict {
    /** Valid, new, kept. */
    ACCEPTED,
    /** Valid, but a report with the same report-id was kept before (RFC 8460 section 4.1). */
    DUPLICATE,
    /** Not a report: not gzip or JSON, truncated, or not the shape of RFC 8460 section 4. */
    MALFORMED,
    /** Larger than the limit, compressed or once inflated. */
    TOO_LARGE,
    /** About, or addressed to, a domain this operator does not manage. */
    NOT_OURS,
    /**
     * Over a quota ({@link ReportQuota}): the domain's reports already take their share of the
     * store, or the organisation sent too many about the domain within a day.
     */
    OVER_QUOTA,
    /**
     * Not taken now, to be sent again: this replica does not lead (only the leader keeps reports),
     * or began leading too recently to know every domain it manages.
     */
    UNAVAILABLE
  }

  /** The verdict and, unless accepted, why, in words a sender's operator understands. */
  record Outcome(Verdict verdict, String reason) {
    public static Outcome accepted() {
      return new Outcome(Verdict.ACCEPTED, "");
    }
  }

  /**
   * @param body the report as received: gzip ({@code application/tlsrpt+gzip}) or JSON
   *     ({@code application/tlsrpt+json}), RFC 8460 section 5
   * @param mediaType the media type it came with, without parameters
   * @param channel the transport that carried it
   * @param addressedTo the domain it was sent to: the host of the {@code https:} URI, or the domain
   *     of the {@code mailto:} address
   */
  Outcome accept(byte[] body, String mediaType, Channel channel, String addressedTo);
}
