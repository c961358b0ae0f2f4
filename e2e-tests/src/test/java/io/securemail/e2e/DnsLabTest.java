package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.securemail.lab.Lab;
import io.securemail.lab.dns.DnsLab;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * The DNS lab itself: TSIG-authenticated RFC 2136 updates reach Knot, are signed and validate
 * through Unbound (checked with dnsjava and, independently, kdig); wrong keys are refused; Knot's
 * count of UPDATE messages is exact; and a stopped-then-restarted Knot keeps what it was told.
 * The methods run in order: the last one relies on the record the first one added.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DnsLabTest {

  static final String TLSRPT = "v=TLSRPTv1; rua=mailto:a@example.test";
  static final Duration VISIBLE = Duration.ofSeconds(15);
  static DnsLab dns;

  @BeforeAll
  static void sharedLab(Lab lab) {
    dns = lab.dns();
  }

  @Test
  @Order(1)
  void signedUpdateIsPublishedAndValidates() throws Exception {
    Message response = authoritative(dns.tsigSecret()).send(tlsrptUpdate("example.test"));

    assertThat(Rcode.string(response.getRcode())).as("UPDATE rcode").isEqualTo("NOERROR");
    assertThat(response.isVerified()).as("Knot's answer carries a valid TSIG").isTrue();

    Name owner = Name.fromString("_smtp._tls.example.test.");
    await().atMost(VISIBLE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      Message answer = validated(owner, Type.TXT);
      assertThat(Rcode.string(answer.getRcode())).isEqualTo("NOERROR");
      assertThat(answer.getHeader().getFlag(Flags.AD)).as("AD flag from Unbound").isTrue();
      assertThat(txt(answer)).containsExactly(TLSRPT);
    });

    String kdig = kdig("@" + dns.resolverAddress(), "-p", String.valueOf(dns.resolverPort()), "+dnssec",
        "_smtp._tls.example.test", "TXT");
    assertThat(flags(kdig)).as("kdig header flags in:\n" + kdig).contains("ad");
    assertThat(kdig).contains("status: NOERROR").contains(TLSRPT);
  }

  @Test
  @Order(2)
  void updateWithWrongSecretIsRefusedAndPublishesNothing() throws Exception {
    long serialBefore = serial("other.test");

    Message response = authoritative(otherSecret()).send(tlsrptUpdate("other.test"));

    assertThat(Rcode.string(response.getRcode())).as("UPDATE rcode").isEqualTo("NOTAUTH");
    assertThat(response.getTSIG()).as("TSIG record in the answer").isNotNull();
    assertThat(Rcode.TSIGstring(response.getTSIG().getError())).as("TSIG error").isEqualTo("BADSIG");
    Message direct = authoritativeQuery(Name.fromString("_smtp._tls.other.test."), Type.TXT);
    assertThat(Rcode.string(direct.getRcode())).as("the refused record at Knot").isEqualTo("NXDOMAIN");
    assertThat(serial("other.test")).as("zone serial").isEqualTo(serialBefore);
  }

  @Test
  @Order(3)
  void everyUpdateMessageIsCounted() throws Exception {
    long before = dns.updatesReceived();

    authoritative(dns.tsigSecret()).send(txtUpdate("other.test", "count-1.other.test.", "accepted"));
    authoritative(otherSecret()).send(txtUpdate("other.test", "count-2.other.test.", "bad secret"));
    authoritative(null).send(txtUpdate("example.test", "count-3.example.test.", "unsigned"));
    authoritative(dns.tsigSecret()).send(txtUpdate("example.test", "count-4.example.test.", "accepted"));
    long sent = 4;

    await().atMost(Duration.ofSeconds(5)).until(() -> dns.updatesReceived() >= before + sent);
    Thread.sleep(500); // nothing more may trickle in
    assertThat(dns.updatesReceived() - before).as("UPDATE messages counted").isEqualTo(sent);
  }

  @Test
  @Order(4)
  void stoppedServerIsUnreachableAndRestartKeepsTheJournal() throws Exception {
    Name owner = Name.fromString("_smtp._tls.example.test.");
    assertThat(txt(authoritativeQuery(owner, Type.TXT))).as("record from the first test").containsExactly(TLSRPT);

    dns.stopAuthoritative();
    try {
      SimpleResolver resolver = authoritative(dns.tsigSecret());
      resolver.setTimeout(Duration.ofSeconds(2));
      assertThatThrownBy(() -> resolver.send(txtUpdate("example.test", "down.example.test.", "x")))
          .as("UPDATE to a stopped Knot").isInstanceOf(IOException.class);
    } finally {
      dns.startAuthoritative();
    }

    assertThat(txt(authoritativeQuery(owner, Type.TXT))).as("record after restart, at Knot").containsExactly(TLSRPT);
    Message validated = validated(owner, Type.TXT);
    assertThat(validated.getHeader().getFlag(Flags.AD)).as("AD after restart").isTrue();
    assertThat(txt(validated)).containsExactly(TLSRPT);

    Message response = authoritative(dns.tsigSecret()).send(txtUpdate("example.test", "after-restart.example.test.", "up"));
    assertThat(Rcode.string(response.getRcode())).isEqualTo("NOERROR");
    await().atMost(VISIBLE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      Message answer = validated(Name.fromString("after-restart.example.test."), Type.TXT);
      assertThat(answer.getHeader().getFlag(Flags.AD)).isTrue();
      assertThat(txt(answer)).containsExactly("up");
    });
  }

  // --- helpers ---

  static Update tlsrptUpdate(String zone) throws IOException {
    return txtUpdate(zone, "_smtp._tls." + zone + ".", TLSRPT);
  }

  static Update txtUpdate(String zone, String owner, String text) throws IOException {
    Update update = new Update(Name.fromString(zone + "."));
    update.add(new TXTRecord(Name.fromString(owner), DClass.IN, 300, text));
    return update;
  }

  /** A resolver for RFC 2136 updates to Knot, signing with the lab key's name and the given secret. */
  static SimpleResolver authoritative(String secret) {
    SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(dns.authoritativeAddress(), dns.authoritativePort()));
    resolver.setTimeout(Duration.ofSeconds(5));
    if (secret != null) {
      resolver.setTSIGKey(new TSIG(TSIG.algorithmToName(dns.tsigAlgorithm()), Name.fromConstantString(dns.tsigKeyName() + "."), secret));
    }
    return resolver;
  }

  static String otherSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  static Message authoritativeQuery(Name name, int type) throws IOException {
    return authoritative(null).send(Message.newQuery(Record.newRecord(name, type, DClass.IN)));
  }

  /** Asks Unbound with DO set (RFC 3225) and AD set (RFC 6840 5.7: "tell me if it validated"). */
  static Message validated(Name name, int type) throws IOException {
    SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(dns.resolverAddress(), dns.resolverPort()));
    resolver.setTimeout(Duration.ofSeconds(5));
    resolver.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
    Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    query.getHeader().setFlag(Flags.AD);
    return resolver.send(query);
  }

  static long serial(String zone) throws IOException {
    return authoritativeQuery(Name.fromString(zone + "."), Type.SOA).getSection(Section.ANSWER).stream()
        .filter(SOARecord.class::isInstance).map(r -> ((SOARecord) r).getSerial()).findFirst().orElseThrow();
  }

  static List<String> txt(Message answer) {
    return answer.getSection(Section.ANSWER).stream().filter(TXTRecord.class::isInstance)
        .flatMap(r -> ((TXTRecord) r).getStrings().stream()).toList();
  }

  static String kdig(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kdig"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("kdig finished").isTrue();
    assertThat(p.exitValue()).as("kdig exit code; output:\n" + output).isZero();
    return output;
  }

  /** The header flags kdig prints, e.g. ";; Flags: qr rd ra ad; QUERY: 1; ...". */
  static List<String> flags(String kdigOutput) {
    Matcher m = Pattern.compile("^;; Flags: ([a-z ]*);", Pattern.MULTILINE).matcher(kdigOutput);
    return m.find() ? List.of(m.group(1).trim().split("\\s+")) : List.of();
  }
}
