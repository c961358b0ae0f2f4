package io.securemail.operator.compliance.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * What one query returned, as plain data: the record data in presentation format (for TXT, the
 * character-strings of each record concatenated, RFC 7208 section 3.3 / RFC 8461 section 3.1), the
 * outcome and the DNSSEC state of the answer.
 */
public record DnsAnswer(String name, String type, Outcome outcome, List<String> data, DnssecState dnssec,
    String detail) {

  /** How the query ended. */
  public enum Outcome {
    /** NOERROR with records of the asked type. */
    ANSWER,
    /** NOERROR, the name exists but has no records of this type. */
    NODATA,
    /** The name does not exist. */
    NXDOMAIN,
    /** The resolver answered with an error (SERVFAIL, REFUSED, ...); see {@code dnssec} and {@code detail}. */
    ERROR,
    /** No answer from any resolver within the timeout. */
    UNREACHABLE
  }

  public DnsAnswer {
    data = List.copyOf(data);
  }

  public static DnsAnswer of(String name, String type, DnssecState dnssec, String... data) {
    return new DnsAnswer(name, type, data.length == 0 ? Outcome.NODATA : Outcome.ANSWER, List.of(data), dnssec, "");
  }

  public static DnsAnswer nxdomain(String name, String type, DnssecState dnssec) {
    return new DnsAnswer(name, type, Outcome.NXDOMAIN, List.of(), dnssec, "NXDOMAIN");
  }

  public static DnsAnswer failed(String name, String type, Outcome outcome, DnssecState dnssec, String detail) {
    return new DnsAnswer(name, type, outcome, List.of(), dnssec, detail);
  }

  /** The name exists or not, with an answer the resolver stood behind (NOERROR or NXDOMAIN). */
  public boolean answered() {
    return outcome == Outcome.ANSWER || outcome == Outcome.NODATA || outcome == Outcome.NXDOMAIN;
  }

  /**
   * The addresses of an A or AAAA answer. Only address literals count: data of another type (the
   * CNAME of a chain, RFC 1034 section 3.6.2) is no address, and nothing is looked up.
   */
  public List<InetAddress> addresses() {
    List<InetAddress> addresses = new ArrayList<>();
    for (String literal : data) {
      if (!literal.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
        continue;
      }
      try {
        // A literal: parsed, never looked up.
        addresses.add(InetAddress.getByName(literal));
      } catch (UnknownHostException e) {
        // Not an address literal after all; nothing to connect to.
      }
    }
    return addresses;
  }

  /** "secure", "insecure (...)" etc. for messages. */
  public String describe() {
    String what = name + " " + type;
    return switch (outcome) {
      case ANSWER -> what + ": " + data.size() + " record(s), DNSSEC " + dnssec;
      case NODATA -> what + ": no records, DNSSEC " + dnssec;
      case NXDOMAIN -> what + ": name does not exist, DNSSEC " + dnssec;
      case ERROR, UNREACHABLE -> what + ": " + detail;
    };
  }
}
