package io.securemail.operator.compliance.smtp;

import io.securemail.operator.compliance.Profile;
import java.net.InetAddress;

/** Talks SMTP to one address of an MX host, as a sending MTA would. Never throws, never hangs past its timeouts. */
public interface SmtpProbe {

  /** The conversation and every TLS offer this probe makes. */
  SmtpObservation probe(String mxHost, InetAddress address, int port);

  /**
   * The conversation and the TLS offers the profile's checks judge ({@link TlsOffer#probesFor}), so
   * that a server is not sent handshakes nobody looks at. Probes with fixed answers may ignore it.
   */
  default SmtpObservation probe(String mxHost, InetAddress address, int port, Profile profile) {
    return probe(mxHost, address, port);
  }
}
