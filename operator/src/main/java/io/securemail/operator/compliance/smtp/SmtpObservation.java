package io.securemail.operator.compliance.smtp;

import java.util.List;

/**
 * One SMTP conversation with one address of an MX host (RFC 5321, STARTTLS per RFC 3207), how far
 * it got, and the weak-TLS offers made afterwards.
 *
 * @param tls the negotiated session when the handshake completed (also for {@link Outcome#TLS_BROKEN})
 * @param attempts one entry per {@link TlsOffer} made to probe the server's TLS policy
 */
public record SmtpObservation(String host, String address, int port, Outcome outcome, String banner, TlsSession tls,
    List<TlsAttempt> attempts, String detail) {

  /** How far the conversation got. */
  public enum Outcome {
    /** TCP connection failed or timed out. */
    UNREACHABLE,
    /** Connected, but no 220 greeting in time. */
    NO_GREETING,
    /** The greeting or EHLO was refused or not understood. */
    REJECTED,
    /** EHLO did not list STARTTLS. */
    NO_STARTTLS,
    /** The STARTTLS command was not answered with 220. */
    STARTTLS_REFUSED,
    /** The TLS handshake failed. */
    HANDSHAKE_FAILED,
    /** The handshake completed but the server did not answer over TLS (EHLO after STARTTLS). */
    TLS_BROKEN,
    /** Banner, EHLO, STARTTLS, handshake, EHLO over TLS and QUIT all worked. */
    TLS_OK
  }

  public SmtpObservation {
    attempts = List.copyOf(attempts);
  }

  /** {@code mx1.example.com[192.0.2.10]}: the subject of per-address results. */
  public String subject() {
    return host + "[" + address + "]";
  }

  public String endpoint() {
    return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
  }
}
