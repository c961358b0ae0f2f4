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

  /**
   * The same conversation with one of the operator's own MTA Pods, at the address the API server
   * gave for it: not a target a tenant's DNS chose, so probes that guard their targets let it through.
   */
  default SmtpObservation probeBackend(String mxHost, InetAddress address, int port) {
    return probe(mxHost, address, port);
  }

  /**
   * What the last completed conversation with this host and address saw (without weak offers),
   * however old, if this probe remembers: to say what a server did last time while it is being
   * probed again. Probes that remember nothing say nothing.
   */
  default java.util.Optional<SmtpObservation> lastAnswer(String mxHost, InetAddress address, int port) {
    return java.util.Optional.empty();
  }
}
