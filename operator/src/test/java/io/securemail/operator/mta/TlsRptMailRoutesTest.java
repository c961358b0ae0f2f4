package io.securemail.operator.mta;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.TlsRptReceiveSpec;
import io.securemail.operator.api.TlsRptSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Postfix tables that hand TLS report mail to the operator's receiver (spec.tlsRpt.receive). */
class TlsRptMailRoutesTest {

  static final ReportReceiver RECEIVER = new ReportReceiver("securemail-operator-tlsrpt.securemail.svc.cluster.local",
      2424);
  static final String ROUTE = "tlsrpt:inet:securemail-operator-tlsrpt.securemail.svc.cluster.local:2424";

  static SecureMailDomain domain(boolean mail, boolean keepInMailbox, String... rua) {
    SecureMailDomain domain = MtaFixtures.domain();
    TlsRptSpec tlsRpt = new TlsRptSpec(List.of(rua));
    TlsRptReceiveSpec receive = new TlsRptReceiveSpec();
    receive.setMail(mail);
    receive.setKeepInMailbox(keepInMailbox);
    tlsRpt.setReceive(receive);
    domain.getSpec().setTlsRpt(tlsRpt);
    return domain;
  }

  static PostfixFiles render(SecureMailDomain domain, ReportReceiver receiver) {
    return PostfixConfig.render(domain.getSpec(), PostfixLayout.pod(), receiver);
  }

  /** A texthash table as key -> value, comments and blank lines left out. */
  static Map<String, String> table(String text) {
    return Arrays.stream(text.split("\n")).filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split("\\s+", 2)).collect(Collectors.toMap(p -> p[0], p -> p[1]));
  }

  static Map<String, String> params(String mainCf) {
    return Arrays.stream(mainCf.split("\n")).filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split("=", 2)).collect(Collectors.toMap(p -> p[0].trim(), p -> p[1].trim()));
  }

  @Test
  void theDomainsReportAddressesGoToTheReceiverInsteadOfTheMailStore() {
    PostfixFiles files = render(domain(true, false, "mailto:TLS-Reports@example.com",
        "https://tlsrpt.example.net/v1", "mailto:tlsrpt@other.example"), RECEIVER);

    assertThat(files.byName()).containsKey("tlsrpt_transport").doesNotContainKey("tlsrpt_bcc");
    assertThat(table(files.byName().get("tlsrpt_transport")))
        .as("only the address of the domain; the https: and foreign destinations are not the MTA's")
        .containsExactly(Map.entry("tls-reports@example.com", ROUTE));
    Map<String, String> main = params(files.mainCf());
    assertThat(main).containsEntry("transport_maps", "texthash:/etc/securemail/postfix/tlsrpt_transport, "
            + "texthash:/etc/securemail/postfix/inbound_transport")
        .doesNotContainKey("recipient_bcc_maps")
        // Everything else of the domain still goes to the mail store.
        .containsEntry("relay_transport", "lmtp:[dovecot.mail.svc.cluster.local]:24");
    // The receiver's hop has its own service: not the mail store's TLS requirement.
    assertThat(files.masterCf()).containsPattern(
        "(?m)^tlsrpt +unix +- +- +n +- +4 +lmtp\\n  -o syslog_name=postfix/tlsrpt\\n  -o lmtp_tls_security_level=none$");
  }

  @Test
  void keepInMailboxDeliversAsBeforeAndRoutesACopyToTheReceiver() {
    PostfixFiles files = render(domain(true, true, "mailto:tls-reports@example.com",
        "mailto:tlsrpt%2Bmx@Example.com?subject=report"), RECEIVER);

    Map<String, String> transport = table(files.byName().get("tlsrpt_transport"));
    assertThat(transport).as("the report addresses themselves are not rerouted")
        .containsExactly(Map.entry("securemail-tlsrpt-copy@example.com", ROUTE));
    assertThat(table(files.byName().get("tlsrpt_bcc"))).containsOnly(
        Map.entry("tls-reports@example.com", "securemail-tlsrpt-copy@example.com"),
        Map.entry("tlsrpt+mx@example.com", "securemail-tlsrpt-copy@example.com"));
    assertThat(params(files.mainCf()))
        .containsEntry("transport_maps", "texthash:/etc/securemail/postfix/tlsrpt_transport, "
            + "texthash:/etc/securemail/postfix/inbound_transport")
        .containsEntry("recipient_bcc_maps", "texthash:/etc/securemail/postfix/tlsrpt_bcc");
  }

  @Test
  void nothingChangesWhileReceivingIsOffOrTheOperatorRunsNoReceiver() {
    PostfixFiles plain = render(MtaFixtures.domain(), RECEIVER);
    for (PostfixFiles files : List.of(
        render(domain(false, true, "mailto:tls-reports@example.com"), RECEIVER),
        render(domain(true, false, "mailto:tls-reports@example.com"), null),
        render(domain(true, false, "https://tlsrpt.example.com/v1"), RECEIVER))) {
      assertThat(files.byName()).doesNotContainKeys("tlsrpt_transport", "tlsrpt_bcc");
      assertThat(files.mainCf()).isEqualTo(plain.mainCf());
      assertThat(files.masterCf()).isEqualTo(plain.masterCf());
    }
  }

  @Test
  void theConfigMapCarriesTheTablesWhenTheOperatorRunsAReceiver() {
    MtaSettings settings = new MtaSettings("registry.example/securemail-mta:1", "cluster.local", "10.96.0.10",
        List.of(), MtaSettings.Resources.POSTFIX, RECEIVER);
    var data = MtaManifests.configMap(domain(true, false, "mailto:tls-reports@example.com"), settings).getData();
    assertThat(table(data.get("tlsrpt_transport"))).containsEntry("tls-reports@example.com", ROUTE);
    assertThat(data.get("main.cf")).contains("transport_maps = texthash:");
  }

  @Test
  void mailtoUrisAreReadAsRfc6068Says() {
    assertThat(TlsRptMailRoutes.mailtoAddress("mailto:a%40b@example.com")).isEmpty();
    assertThat(TlsRptMailRoutes.mailtoAddress("MAILTO:Reports+tls@Example.com?subject=x"))
        .contains("reports+tls@example.com");
    assertThat(TlsRptMailRoutes.mailtoAddress("https://example.com/x")).isEmpty();
    assertThat(TlsRptMailRoutes.mailtoAddress("mailto:a@example.com,b@example.com")).isEmpty();
  }

  @Test
  void anIpv6ReceiverAddressIsBracketed() {
    assertThat(new ReportReceiver("fd00::10", 2424).nextHop()).isEqualTo("inet:[fd00::10]:2424");
  }
}
