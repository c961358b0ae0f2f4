package io.securemail.operator.compliance.smtp;

/**
 * One deliberate offer of something weak, to see whether the server accepts it: a ServerHello naming
 * an offered suite means accepted (RFC 5246 section 7.4.1.3; the handshake is ended there); an
 * alert or a closed connection in reply to the ClientHello means refused.
 */
public record TlsAttempt(TlsOffer offer, Result result, String negotiated, String detail) {

  /** The suite the server chose when it accepted ({@code negotiated} is "version suite"), else null. */
  public String suite() {
    if (result != Result.ACCEPTED || negotiated == null) {
      return null;
    }
    return negotiated.substring(negotiated.lastIndexOf(' ') + 1);
  }

  /** How the attempt ended. */
  public enum Result {
    ACCEPTED,
    REFUSED,
    /** The attempt did not get as far as the TLS handshake (connection, greeting or STARTTLS failed). */
    INCONCLUSIVE
  }
}
