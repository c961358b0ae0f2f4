package io.securemail.operator.compliance.cli;

import io.securemail.operator.compliance.dns.ServerAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** The {@code --resolver} option: parsed as every server address is, then looked up once. */
final class ResolverAddress {

  private ResolverAddress() {}

  static InetSocketAddress parse(String text) {
    InetSocketAddress address;
    try {
      address = ServerAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--resolver " + e.getMessage());
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(address.getHostString()), address.getPort());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--resolver '" + text + "': unknown host " + address.getHostString());
    }
  }
}
