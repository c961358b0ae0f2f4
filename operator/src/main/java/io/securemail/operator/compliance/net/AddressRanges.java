package io.securemail.operator.compliance.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The address ranges that are not the public internet: loopback, private, link-local and the like
 * (the IANA special-purpose registries, RFC 6890). A server on the internet has no business there,
 * so an operator that connects to whatever a tenant's DNS names would otherwise reach into the
 * cluster's own network: its Pods, its nodes, the cloud's metadata service at 169.254.169.254.
 */
public final class AddressRanges {

  private record Range(byte[] prefix, int bits, String what) {
    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      int whole = bits / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[whole] & mask) == (prefix[whole] & mask);
    }
  }

  private static final List<Range> RANGES = List.of(
      v4("0.0.0.0", 8, "\"this network\", RFC 791, reaching the local host"),
      v4("10.0.0.0", 8, "private, RFC 1918"),
      v4("100.64.0.0", 10, "shared address space, RFC 6598"),
      v4("127.0.0.0", 8, "loopback, RFC 1122"),
      v4("169.254.0.0", 16, "link-local, RFC 3927, where cloud metadata services answer"),
      v4("172.16.0.0", 12, "private, RFC 1918"),
      v4("192.0.0.0", 24, "IETF protocol assignments, RFC 6890"),
      v4("192.168.0.0", 16, "private, RFC 1918"),
      v4("198.18.0.0", 15, "benchmarking, RFC 2544"),
      v4("240.0.0.0", 4, "reserved or broadcast, RFC 1112"),
      v6("::", 127, "unspecified or loopback, RFC 4291"),
      v6("fc00::", 7, "unique local, RFC 4193"),
      v6("fe80::", 10, "link-local, RFC 4291"),
      v6("fec0::", 10, "site-local, RFC 3879"));

  private AddressRanges() {}

  /**
   * What non-public range {@code address} is in, e.g. "private, RFC 1918"; empty for an address
   * on the public internet. An IPv6 address that carries an IPv4 address (IPv4-mapped, RFC 4291
   * section 2.5.5.2, or NAT64's well-known prefix, RFC 6052) is judged by the address it carries.
   */
  public static Optional<String> special(InetAddress address) {
    byte[] bytes = embeddedV4(address.getAddress());
    if (address.isMulticastAddress()) {
      return Optional.of("multicast");
    }
    return RANGES.stream().filter(r -> r.contains(bytes)).map(Range::what).findFirst();
  }

  /** The IPv4 address inside ::ffff:0:0/96 or 64:ff9b::/96, else the bytes as given. */
  private static byte[] embeddedV4(byte[] bytes) {
    if (bytes.length != 16) {
      return bytes;
    }
    boolean mapped = allZero(bytes, 0, 10) && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    boolean nat64 = bytes[0] == 0 && bytes[1] == 0x64 && bytes[2] == (byte) 0xff && bytes[3] == (byte) 0x9b
        && allZero(bytes, 4, 12);
    return mapped || nat64 ? java.util.Arrays.copyOfRange(bytes, 12, 16) : bytes;
  }

  private static boolean allZero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static Range v4(String prefix, int bits, String what) {
    return new Range(literal(prefix, Inet4Address.class), bits, what);
  }

  private static Range v6(String prefix, int bits, String what) {
    return new Range(literal(prefix, Inet6Address.class), bits, what);
  }

  private static byte[] literal(String text, Class<? extends InetAddress> kind) {
    try {
      InetAddress address = InetAddress.getByName(text);
      if (!kind.isInstance(address)) {
        throw new IllegalArgumentException(text);
      }
      return address.getAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
