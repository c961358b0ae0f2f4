package io.securemail.operator.dns;

import io.securemail.operator.compliance.dns.ServerAddress;
import java.net.InetSocketAddress;
import java.util.Base64;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;

/**
 * Where RFC 2136 updates go: the primary server, the zone, and the TSIG key that signs them
 * (RFC 8945).
 */
public record Rfc2136Target(InetSocketAddress server, Name zone, Name keyName, TSIG tsig) {

  /**
   * @param server host, host:port, [v6]:port or a bare IPv6 address ({@link ServerAddress}), port 53 by default
   * @param algorithm hmac-sha256, hmac-sha384 or hmac-sha512
   * @param secret the base64 TSIG secret
   */
  public static Rfc2136Target of(String server, String zone, String keyName, String algorithm, String secret) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(secret.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the TSIG secret is not base64", e);
    }
    Name name = DnsjavaRecords.name(keyName);
    return new Rfc2136Target(ServerAddress.parse(server), DnsjavaRecords.name(zone), name,
        new TSIG(DnsjavaRecords.name(algorithm), name, key));
  }

  @Override
  public String toString() {
    return server.getHostString() + ":" + server.getPort() + " zone " + zone;
  }
}
