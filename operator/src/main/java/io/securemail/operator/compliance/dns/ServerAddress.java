package io.securemail.operator.compliance.dns;

import java.net.InetSocketAddress;

/**
 * A DNS server's address as people write it: {@code host}, {@code host:port}, {@code [v6]},
 * {@code [v6]:port} or a bare IPv6 address (RFC 5952 section 6: the brackets are what separate an
 * IPv6 address from a port). One parser for the operator's settings, {@code spec.dns.rfc2136.server}
 * and the {@code check} command's {@code --resolver}, so all three read an address the same way.
 */
public final class ServerAddress {

  /** The DNS port (RFC 1035 section 4.2). */
  public static final int DNS_PORT = 53;

  private ServerAddress() {}

  /**
   * @return the address, unresolved: a host name is looked up when it is used
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  public static InetSocketAddress parse(String text) {
    String host = text == null ? "" : text.trim();
    int port = DNS_PORT;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("'" + text + "': missing ']'");
      }
      String rest = host.substring(close + 1);
      host = host.substring(1, close);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("'" + text + "': expected ':PORT' after ']'");
        }
        port = port(text, rest.substring(1));
      }
    } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
      port = port(text, host.substring(host.indexOf(':') + 1));
      host = host.substring(0, host.indexOf(':'));
    }
    // Two or more colons without brackets: a bare IPv6 address on the default port.
    if (host.isEmpty()) {
      throw new IllegalArgumentException("'" + text + "': no host");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  private static int port(String text, String port) {
    try {
      int p = Integer.parseInt(port);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("'" + text + "': '" + port + "' is not a port");
  }
}
