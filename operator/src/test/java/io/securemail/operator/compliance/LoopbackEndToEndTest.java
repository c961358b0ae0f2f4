package io.securemail.operator.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.securemail.operator.compliance.cli.CheckCommand;
import io.securemail.operator.compliance.dane.DaneMatcher;
import io.securemail.operator.compliance.dns.TestDnsServer;
import io.securemail.operator.compliance.smtp.TestSmtpServer;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;

/**
 * The real probes wired together by the check command, against a DNS responder, an SMTP server and
 * an HTTPS policy server on ephemeral loopback ports: what the lab does with real servers, in one JVM.
 */
class LoopbackEndToEndTest {

  @Test
  void aWellConfiguredDomainIsCompliantUnderBsi(@TempDir Path dir) throws Exception {
    TestPki.Issued ca = TestPki.ca("Loopback CA");
    TestPki.Issued mx = TestPki.leaf(ca, "mx1.example.test");
    TestPki.Issued web = TestPki.leaf(ca, "mta-sts.example.test");
    Path caFile = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(ca.certificate().getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    byte[] spki = HexFormat.of().parseHex(DaneMatcher.associationData(mx.certificate(), 1, 1));
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    Map<String, Record> zone = Map.of(
        "example.test./MX", new MXRecord(name("example.test."), DClass.IN, 300, 10, name("mx1.example.test.")),
        "mx1.example.test./A", new ARecord(name("mx1.example.test."), DClass.IN, 300, loopback),
        "_25._tcp.mx1.example.test./TLSA", new TLSARecord(name("_25._tcp.mx1.example.test."), DClass.IN, 300, 3, 1, 1, spki),
        "_mta-sts.example.test./TXT", new TXTRecord(name("_mta-sts.example.test."), DClass.IN, 300, "v=STSv1; id=1"),
        "mta-sts.example.test./A", new ARecord(name("mta-sts.example.test."), DClass.IN, 300, loopback),
        "_smtp._tls.example.test./TXT", new TXTRecord(name("_smtp._tls.example.test."), DClass.IN, 300,
            "v=TLSRPTv1; rua=mailto:tls@example.test"));

    HttpsServer policy = policyServer(ca, web);
    try (TestDnsServer dns = new TestDnsServer(query -> {
          // A validating resolver on a trusted path: every answer secure (AD), missing types NODATA.
          Message response = TestDnsServer.responseTo(query);
          response.getHeader().setFlag(Flags.AD);
          Record record = zone.get(query.getQuestion().getName() + "/"
              + org.xbill.DNS.Type.string(query.getQuestion().getType()));
          if (record != null) {
            response.addRecord(record, Section.ANSWER);
          }
          return response;
        });
        TestSmtpServer smtp = new TestSmtpServer(TestSmtpServer.Behaviour.STARTTLS, mx,
            List.of(mx.certificate(), ca.certificate()), ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12),
            new int[] {CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256})) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = CheckCommand.execute(new ComplianceEngine(), new PrintWriter(out), new PrintWriter(err), false,
          "example.test", "--resolver", "127.0.0.1:" + dns.address().getPort(), "--dnssec", "resolver",
          "--ca-file", caFile.toString(), "--smtp-port", String.valueOf(smtp.port()),
          "--https-port", String.valueOf(policy.getAddress().getPort()), "--profile", "bsi-tr-03108",
          "--timeout", "5", "--json");

      JsonNode report = new ObjectMapper().readTree(out.toString());
      assertThat(err.toString()).isEmpty();
      assertThat(report.get("compliant").asBoolean()).as(out.toString()).isTrue();
      assertThat(code).isEqualTo(0);
      assertThat(report.get("checks").findValuesAsText("status")).doesNotContain("fail");
      assertThat(report.get("checks")).anySatisfy(check -> {
        assertThat(check.get("id").asText()).isEqualTo("dane.match");
        assertThat(check.get("subject").asText()).isEqualTo("mx1.example.test[127.0.0.1]");
        assertThat(check.get("status").asText()).isEqualTo("pass");
      });
      assertThat(report.get("checks")).anySatisfy(check -> {
        assertThat(check.get("id").asText()).isEqualTo("mtasts.policy");
        assertThat(check.get("status").asText()).isEqualTo("pass");
      });
    } finally {
      policy.stop(0);
    }
  }

  private static Name name(String text) {
    return Name.fromConstantString(text);
  }

  private static HttpsServer policyServer(TestPki.Issued ca, TestPki.Issued leaf) throws Exception {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(TestPki.keyStore(leaf, ca.certificate()), "secret".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    byte[] body = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmax_age: 86400\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    server.createContext("/.well-known/mta-sts.txt", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream stream = exchange.getResponseBody()) {
        stream.write(body);
      }
    });
    server.start();
    return server;
  }
}
