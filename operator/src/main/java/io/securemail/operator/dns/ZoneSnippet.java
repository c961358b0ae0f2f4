package io.securemail.operator.dns;

import java.util.List;

/** Renders records as a zone-file snippet a person or a GitOps repository can paste. */
public final class ZoneSnippet {

  private ZoneSnippet() {}

  public static String render(String domain, String resourceRef, List<DnsRecord> records) {
    StringBuilder out = new StringBuilder()
        .append("; DNS records for ").append(domain).append(", from SecureMailDomain ").append(resourceRef).append('\n')
        .append("; Publish them in the zone; securemail-operator checks them from the outside.\n");
    for (DnsRecord record : records) {
      out.append(record.toZoneLine()).append('\n');
    }
    return out.toString();
  }
}
