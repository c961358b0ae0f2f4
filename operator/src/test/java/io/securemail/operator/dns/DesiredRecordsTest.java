package io.securemail.operator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.TlsRptSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class DesiredRecordsTest {

  private static SecureMailDomainSpec spec(String domain, MxHost... mx) {
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain(domain);
    spec.setMx(new ArrayList<>(List.of(mx)));
    return spec;
  }

  /** The character-strings of a TXT value in presentation format, as dnsjava reads them. */
  private static List<String> characterStrings(String value) throws Exception {
    TXTRecord txt = (TXTRecord) Record.fromString(Name.root, Type.TXT, DClass.IN, 0, value, Name.root);
    return txt.getStringsAsByteArrays().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
  }

  @Test
  void noTlsRptAndUnmanagedMxGiveNoRecords() {
    SecureMailDomainSpec spec = spec("example.com", new MxHost("mx1.example.com", 10));

    assertThat(DesiredRecords.of(spec, List.of())).isEmpty();
  }

  @Test
  void everyMxHostGetsOneTlsaRecordPerKeyTheRolloverPublishes() {
    SecureMailDomainSpec spec = spec("example.com", new MxHost("MX2.example.com", 20), new MxHost("mx1.example.com", 10));
    spec.getDns().setTtl(600);

    assertThat(DesiredRecords.of(spec, List.of("aa11", "bb22"))).containsExactly(
        new DnsRecord("_25._tcp.mx1.example.com.", "TLSA", "3 1 1 aa11", 600),
        new DnsRecord("_25._tcp.mx1.example.com.", "TLSA", "3 1 1 bb22", 600),
        new DnsRecord("_25._tcp.mx2.example.com.", "TLSA", "3 1 1 aa11", 600),
        new DnsRecord("_25._tcp.mx2.example.com.", "TLSA", "3 1 1 bb22", 600));
  }

  @Test
  void receivingOverHttpsAddsThePolicyHostsReportUriOnce() {
    SecureMailDomainSpec spec = spec("x.org", new MxHost("mx1.x.org", 10));
    TlsRptSpec tlsRpt = new TlsRptSpec(List.of("mailto:a@x.org"));
    tlsRpt.setReceive(new io.securemail.operator.api.TlsRptReceiveSpec(true));
    spec.setTlsRpt(tlsRpt);
    spec.getDns().setTtl(3600);

    assertThat(DesiredRecords.of(spec, List.of())).containsExactly(new DnsRecord("_smtp._tls.x.org.", "TXT",
        "\"v=TLSRPTv1; rua=mailto:a@x.org,https://mta-sts.x.org/tlsrpt\"", 3600));
    // Listed by hand as well: published once.
    tlsRpt.setRua(List.of("https://mta-sts.x.org/tlsrpt"));
    assertThat(DesiredRecords.of(spec, List.of())).extracting(DnsRecord::value)
        .containsExactly("\"v=TLSRPTv1; rua=https://mta-sts.x.org/tlsrpt\"");
    tlsRpt.setReceive(new io.securemail.operator.api.TlsRptReceiveSpec(false));
    assertThat(DesiredRecords.of(spec, List.of())).extracting(DnsRecord::value)
        .containsExactly("\"v=TLSRPTv1; rua=https://mta-sts.x.org/tlsrpt\"");
  }

  @Test
  void tlsRptGivesOneTxtRecordListingEveryRua() {
    SecureMailDomainSpec spec = spec("x.org", new MxHost("mx1.x.org", 10));
    spec.setTlsRpt(new TlsRptSpec(List.of("mailto:a@x.org", "https://r.x.org/r")));
    spec.getDns().setTtl(3600);

    assertThat(DesiredRecords.of(spec, List.of())).containsExactly(
        new DnsRecord("_smtp._tls.x.org.", "TXT", "\"v=TLSRPTv1; rua=mailto:a@x.org,https://r.x.org/r\"", 3600));
  }

  @Test
  void managedMxRecordsAreOrderedByPriorityThenHost() {
    SecureMailDomainSpec spec = spec("example.com",
        new MxHost("mx3.example.com", 20),
        new MxHost("mx2.example.com", 10),
        new MxHost("mx1.example.com", 10),
        new MxHost("backup.example.com", 5));
    spec.getDns().setManageMx(true);
    spec.getDns().setTtl(600);

    assertThat(DesiredRecords.of(spec, List.of())).containsExactly(
        new DnsRecord("example.com.", "MX", "5 backup.example.com.", 600),
        new DnsRecord("example.com.", "MX", "10 mx1.example.com.", 600),
        new DnsRecord("example.com.", "MX", "10 mx2.example.com.", 600),
        new DnsRecord("example.com.", "MX", "20 mx3.example.com.", 600));
  }

  @Test
  void priorityIsComparedAsNumberNotText() {
    SecureMailDomainSpec spec = spec("example.com",
        new MxHost("a.example.com", 100),
        new MxHost("b.example.com", 9));
    spec.getDns().setManageMx(true);

    assertThat(DesiredRecords.of(spec, List.of())).extracting(DnsRecord::value)
        .containsExactly("9 b.example.com.", "100 a.example.com.");
  }

  @Test
  void managedMxAndTlsRptTogether() {
    SecureMailDomainSpec spec = spec("example.com", new MxHost("mx1.example.com", 10));
    spec.getDns().setManageMx(true);
    spec.setTlsRpt(new TlsRptSpec(List.of("mailto:a@example.com")));

    assertThat(DesiredRecords.of(spec, List.of())).extracting(DnsRecord::type, DnsRecord::name, DnsRecord::ttl)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("MX", "example.com.", 300),
            org.assertj.core.groups.Tuple.tuple("TXT", "_smtp._tls.example.com.", 300));
  }

  @Test
  void longTxtIsSplitIntoQuoted255CharacterStringsThatConcatenateToTheOriginal() throws Exception {
    String longRua = "https://reports.example.com/" + "a".repeat(600);
    SecureMailDomainSpec spec = spec("example.com", new MxHost("mx1.example.com", 10));
    spec.setTlsRpt(new TlsRptSpec(List.of(longRua)));
    String text = "v=TLSRPTv1; rua=" + longRua;

    DnsRecord txt = DesiredRecords.of(spec, List.of()).get(0);
    List<String> strings = characterStrings(txt.value());

    assertThat(strings).hasSize(3);
    assertThat(strings.subList(0, 2)).allSatisfy(s -> assertThat(s).hasSize(255));
    assertThat(strings.get(2)).hasSizeBetween(1, 255);
    assertThat(String.join("", strings)).isEqualTo(text);
  }

  @Test
  void mtaStsGivesTheTxtRecordAndHoldsBackMxRecordsThePolicyDoesNotListYet() {
    SecureMailDomainSpec spec = spec("example.com", new MxHost("mx1.example.com", 10), new MxHost("mx2.example.com", 20));
    spec.getDns().setManageMx(true);
    var sts = new MtaStsRecords("v=STSv1; id=abc123", "mx1.example.com"::equals, null);

    List<DnsRecord> records = DesiredRecords.of(spec, List.of(), sts);

    assertThat(records).extracting(DnsRecord::name, DnsRecord::type, DnsRecord::value).containsExactly(
        org.assertj.core.groups.Tuple.tuple("example.com.", "MX", "10 mx1.example.com."),
        org.assertj.core.groups.Tuple.tuple("_mta-sts.example.com.", "TXT", "\"v=STSv1; id=abc123\""));
  }

  @Test
  void thePolicyHostGetsItsAddressesOrItsCname() {
    SecureMailDomainSpec spec = spec("example.com", new MxHost("mx1.example.com", 10));
    var host = new io.securemail.operator.api.PolicyHostSpec();
    host.setAddresses(List.of("2001:db8::443", "192.0.2.44"));

    assertThat(DesiredRecords.of(spec, List.of(), new MtaStsRecords(null, h -> true, host)))
        .extracting(DnsRecord::name, DnsRecord::type, DnsRecord::value).containsExactly(
            org.assertj.core.groups.Tuple.tuple("mta-sts.example.com.", "A", "192.0.2.44"),
            org.assertj.core.groups.Tuple.tuple("mta-sts.example.com.", "AAAA", "2001:db8::443"));

    var cname = new io.securemail.operator.api.PolicyHostSpec();
    cname.setCname("policies.hosting.example.net");
    assertThat(DesiredRecords.of(spec, List.of(), new MtaStsRecords(null, h -> true, cname)))
        .extracting(DnsRecord::type, DnsRecord::value)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("CNAME", "policies.hosting.example.net."));
  }

  @Test
  void caaRecordsGoAtEachMxHostAndAtAnAddressedPolicyHost() {
    SecureMailDomainSpec spec = spec("example.com", new MxHost("MX2.example.com", 20), new MxHost("mx1.example.com", 10));
    spec.getDns().setProvider(io.securemail.operator.api.DnsSpec.Provider.RFC2136);
    var host = new io.securemail.operator.api.PolicyHostSpec();
    host.setAddresses(List.of("192.0.2.7"));
    var sts = new MtaStsRecords(null, h -> true, host);
    var le = io.securemail.operator.compliance.caa.CaaIssuer.parse(
        "letsencrypt.org; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/1; validationmethods=dns-01");
    var other = io.securemail.operator.compliance.caa.CaaIssuer.of("pki.example.net");

    List<DnsRecord> caa = DesiredRecords.of(spec, List.of(), sts, List.of(le, other)).stream()
        .filter(r -> r.type().equals("CAA")).toList();
    String pinned = "0 issue \"letsencrypt.org; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/1; "
        + "validationmethods=dns-01\"";
    assertThat(caa).containsExactly(
        new DnsRecord("mx1.example.com.", "CAA", pinned, 300),
        new DnsRecord("mx1.example.com.", "CAA", "0 issue \"pki.example.net\"", 300),
        new DnsRecord("mx2.example.com.", "CAA", pinned, 300),
        new DnsRecord("mx2.example.com.", "CAA", "0 issue \"pki.example.net\"", 300),
        new DnsRecord("mta-sts.example.com.", "CAA", pinned, 300),
        new DnsRecord("mta-sts.example.com.", "CAA", "0 issue \"pki.example.net\"", 300));
    // What dnsjava makes of them (the UPDATE and the comparison with what is served) is the same record.
    assertThat(DnsjavaRecords.fromRecord(DnsjavaRecords.toRecord(caa.get(0)))).isEqualTo(caa.get(0));
  }

  @Test
  void noCaaAtAnAliasedPolicyHostNorThroughExternalDnsNorWithoutAnIssuer() {
    SecureMailDomainSpec spec = spec("example.com", new MxHost("mx1.example.com", 10));
    var alias = new io.securemail.operator.api.PolicyHostSpec();
    alias.setCname("lb.example.net");
    var le = io.securemail.operator.compliance.caa.CaaIssuer.of("letsencrypt.org");

    assertThat(DesiredRecords.of(spec, List.of(), new MtaStsRecords(null, h -> true, alias), List.of(le)))
        .extracting(DnsRecord::name, DnsRecord::type)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("mta-sts.example.com.", "CNAME"),
            org.assertj.core.groups.Tuple.tuple("mx1.example.com.", "CAA"));
    assertThat(DesiredRecords.of(spec, List.of(), MtaStsRecords.NONE, List.of())).isEmpty();
    spec.getDns().setProvider(io.securemail.operator.api.DnsSpec.Provider.EXTERNAL_DNS);
    assertThat(DesiredRecords.of(spec, List.of(), MtaStsRecords.NONE, List.of(le))).isEmpty();
  }
}
