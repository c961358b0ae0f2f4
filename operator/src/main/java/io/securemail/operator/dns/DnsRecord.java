package io.securemail.operator.dns;

/**
 * One resource record as the operator wants it published.
 *
 * @param name owner name, fully qualified with trailing dot
 * @param type record type mnemonic (TXT, MX, TLSA, ...)
 * @param value record data in zone-file presentation format (RFC 1035 section 5.1)
 * @param ttl time to live in seconds
 */
public record DnsRecord(String name, String type, String value, int ttl) {

  /** The record as one zone-file line. */
  public String toZoneLine() {
    return name + " " + ttl + " IN " + type + " " + value;
  }
}
