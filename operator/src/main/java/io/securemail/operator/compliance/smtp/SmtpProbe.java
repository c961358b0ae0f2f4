package io.securemail.operator.compliance.smtp;

import java.net.InetAddress;

/** Talks SMTP to one address of an MX host, as a sending MTA would. Never throws, never hangs past its timeouts. */
public interface SmtpProbe {

  SmtpObservation probe(String mxHost, InetAddress address, int port);
}
