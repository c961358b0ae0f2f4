package io.securemail.operator.mta;

/**
 * Where the MTAs reach the operator's TLS report receiver over LMTP (RFC 2033): the operator's
 * Service in the cluster, as the Helm chart tells the operator (securemail.tlsrpt.lmtp.*).
 *
 * @param host a name the MTA Pod resolves (the Service's cluster name) or an address
 * @param port the Service's LMTP port
 */
public record ReportReceiver(String host, int port) {

  public ReportReceiver {
    if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.:-]+")) {
      throw new IllegalArgumentException("not a host name or address: " + host);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("not a port: " + port);
    }
  }

  /** Postfix's LMTP next hop: {@code inet:host:port} (lmtp(8)), an IPv6 address in brackets. */
  public String nextHop() {
    return "inet:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
