package io.securemail.operator.compliance.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** "HOST:PORT", "HOST", "[v6]:PORT" or a bare IPv6 address, as given to --resolver. */
final class ResolverAddress {

  private ResolverAddress() {}

  static InetSocketAddress parse(String text) {
    String host = text;
    int port = 53;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("--resolver '" + text + "': missing ']'");
      }
      host = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (!rest.isEmpty()) {
        port = port(text, rest.startsWith(":") ? rest.substring(1) : rest);
      }
    } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
      host = text.substring(0, text.indexOf(':'));
      port = port(text, text.substring(text.indexOf(':') + 1));
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("--resolver '" + text + "': no host");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--resolver '" + text + "': unknown host " + host);
    }
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
    throw new IllegalArgumentException("--resolver '" + text + "': '" + port + "' is not a port");
  }
}
