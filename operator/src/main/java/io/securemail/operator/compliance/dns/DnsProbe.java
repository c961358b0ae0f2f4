package io.securemail.operator.compliance.dns;

/** Looks up one record set and says whether DNSSEC vouches for the answer. */
public interface DnsProbe {

  /** {@code type} is a mnemonic such as "MX", "TLSA", "TXT", "A", "AAAA". Never throws for DNS failures. */
  DnsAnswer lookup(String name, String type);
}
