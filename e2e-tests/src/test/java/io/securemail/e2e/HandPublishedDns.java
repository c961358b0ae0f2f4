package io.securemail.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.DnssecState;
import io.securemail.operator.compliance.dns.TxtData;
import io.securemail.operator.dns.ZoneSnippetConfigMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * DNS as a person running the manual provider makes it: every record of a domain's zone-snippet
 * ConfigMap is published, signed (DNSSEC secure), the moment the operator writes it. A stand-in for
 * the network in the reconciler tier, where no name server runs. Two kinds of zone go wrong on
 * purpose: names under {@value #UNSIGNED} are served unsigned (insecure), names under
 * {@value #BOGUS} fail validation, as a validating resolver reports it (SERVFAIL, no data).
 */
final class HandPublishedDns implements DnsProbe {

  /** Names under this suffix are in an unsigned zone. */
  static final String UNSIGNED = ".unsigned.example";
  /** Names under this suffix are in a zone whose parent's DS matches none of its keys. */
  static final String BOGUS = ".bogus.example";

  private final KubernetesClient client;
  private final String namespace;

  HandPublishedDns(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  @Override
  public DnsAnswer lookup(String name, String type) {
    String bare = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (bare.endsWith(BOGUS)) {
      return DnsAnswer.failed(name, type, DnsAnswer.Outcome.ERROR, DnssecState.bogus,
          "SERVFAIL (dnssec bogus: no DNSKEY matches the DS record)");
    }
    DnssecState dnssec = bare.endsWith(UNSIGNED) ? DnssecState.insecure : DnssecState.secure;
    List<String> data = new ArrayList<>();
    for (ConfigMap snippet : client.configMaps().inNamespace(namespace).list().getItems()) {
      String zone = snippet.getData() == null ? null : snippet.getData().get(ZoneSnippetConfigMap.DATA_KEY);
      if (zone != null && snippet.getMetadata().getName().endsWith("-dns-records")) {
        records(zone).stream()
            .filter(r -> r.getName().equals(name(name)) && Type.string(r.getType()).equals(type))
            .forEach(r -> data.add(r instanceof TXTRecord txt ? TxtData.text(txt) : r.rdataToString()));
      }
    }
    return data.isEmpty() ? DnsAnswer.nxdomain(name, type, dnssec)
        : DnsAnswer.of(name, type, dnssec, data.toArray(String[]::new));
  }

  private static Name name(String text) {
    try {
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Record> records(String zone) {
    List<Record> records = new ArrayList<>();
    try (Master master = new Master(new java.io.ByteArrayInputStream(zone.getBytes(
        java.nio.charset.StandardCharsets.UTF_8)), Name.root)) {
      for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
        records.add(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the zone snippet does not parse: " + e.getMessage(), e);
    }
    return records;
  }
}
