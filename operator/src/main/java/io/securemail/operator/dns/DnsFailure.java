package io.securemail.operator.dns;

/**
 * A DNS problem the operator reports as a condition reason. The reasons are part of the public
 * contract (docs/status.md): users and alerts match on them.
 */
public final class DnsFailure extends Exception {

  /** Why publishing or withdrawing records did not happen. */
  public enum Reason {
    /** No answer from the server (timeout, connection refused, network down). */
    DnsServerUnreachable,
    /** The server did not accept the TSIG signature (RFC 8945 section 5.2: BADKEY, BADSIG, BADTIME). */
    TsigRejected,
    /** The server refused the update (RFC 2136 REFUSED: the key may not update this zone or name). */
    UpdateRefused,
    /** The server is not authoritative for the configured zone (NOTAUTH, NOTZONE, or no SOA). */
    ZoneNotFound,
    /** The domain's ownership record names another owner (RFC 2136 prerequisite failed). */
    DnsOwnedElsewhere,
    /** The server is in a range the operator does not connect to (private, loopback, link-local). */
    DnsServerNotAllowed,
    /** The operator's owner id is not configured and cannot be derived (namespace kube-system unreadable). */
    OwnerIdUnknown,
    /** Any other answer the operator cannot act on (e.g. SERVFAIL). */
    UpdateFailed
  }

  private final Reason reason;

  public DnsFailure(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public DnsFailure(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
