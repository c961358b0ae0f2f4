package io.securemail.operator.compliance.net;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An address as people write it: IPv4 in dotted decimal, IPv6 in the canonical text of RFC 5952
 * section 4 ({@code 2001:db8::1}, {@code ::1}), not Java's uncompressed {@code 0:0:0:0:0:0:0:1}.
 * Check subjects and messages name addresses this way, as they appear in zone files and logs.
 */
public final class AddressText {

  private AddressText() {}

  public static String of(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    byte[] bytes = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    // Section 4.2.2-4.2.3: the longest run of two or more zero groups becomes "::", the first on a tie.
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; i++) {
      int length = 0;
      while (i + length < 8 && groups[i + length] == 0) {
        length++;
      }
      if (length > bestLength) {
        bestStart = i;
        bestLength = length;
      }
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      // Section 4.1 and 4.3: no leading zeros, lower case.
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  /** An address literal in the canonical text; anything else unchanged. */
  public static String of(String literal) {
    if (!literal.contains(":")) {
      return literal;
    }
    try {
      return of(InetAddress.getByName(literal));
    } catch (java.net.UnknownHostException e) {
      return literal;
    }
  }
}
