package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.securemail.lab.Lab;
import io.securemail.lab.dns.ZoneUpdates;
import io.securemail.lab.mail.LabMta;
import io.securemail.lab.mail.MailStoreSink;
import io.securemail.lab.mail.MailStoreSink.Message;
import io.securemail.lab.mail.MailStoreSink.Protocol;
import io.securemail.lab.support.LabPki;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.operator.api.InboundRoute;
import io.securemail.operator.api.MtaSpec.HopTls;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.mta.PostfixConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The MTA of a fleet (spec.mta.inbound.routes): one real Postfix, running the configuration the
 * operator renders, receives mail for its own domain and for routed domains, each relayed to its
 * own next hop. Route changes are applied as in a Pod: the files change (as a ConfigMap swap), then
 * Postfix reloads; the master process and the queue stay.
 *
 * <p>The fleet MTA on 127.0.3.24; its own mail store and three route next hops (mail stores over
 * SMTP and LMTP, each offering STARTTLS) on 127.0.3.10, ports 2540 to 2543. The routed domains'
 * MX records (zone example.test) name the fleet's MX host, as a customer publishes them.
 */
@ExtendWith(LabExtension.class)
class MtaRoutesTest {

  static final String ZONE = "example.test";
  static final String FLEET = "fleet.routes.example.test";
  static final String MX = "mx." + FLEET;
  static final String ADDRESS = "127.0.3.24";
  static final String STORES = "127.0.3.10";
  static final String SHOP = "shop.routes.example.test";
  static final String BLOG = "blog.routes.example.test";
  static final String NEWS = "news.routes.example.test";
  /** A domain that names another MX host: never this MTA's. */
  static final String OTHER = "other.routes.example.test";
  static final String UNKNOWN_USER = "nobody-here";
  static final Duration DELIVERED = Duration.ofSeconds(20);

  static final Started STARTED = new Started();
  static MailStoreSink own;
  static MailStoreSink shopStore;
  static MailStoreSink blogStore;
  static MailStoreSink newsStore;
  static LabMta fleet;

  static final InboundRoute SHOP_ROUTE = new InboundRoute(SHOP, "smtp:[" + STORES + "]:2541", HopTls.ENCRYPT);
  static final InboundRoute BLOG_ROUTE = new InboundRoute(BLOG, "lmtp:[" + STORES + "]:2542", HopTls.ENCRYPT);
  static final InboundRoute NEWS_ROUTE = new InboundRoute(NEWS, "smtp:[" + STORES + "]:2543", HopTls.ENCRYPT);

  @BeforeAll
  static void start(Lab lab) throws Exception {
    own = STARTED.add(new MailStoreSink("store." + FLEET).listen(Protocol.SMTP, STORES, 2540));
    shopStore = STARTED.add(new MailStoreSink("store." + SHOP).listen(Protocol.SMTP, STORES, 2541));
    shopStore.unknownRecipients(address -> address.startsWith(UNKNOWN_USER + "@"));
    blogStore = STARTED.add(new MailStoreSink("store." + BLOG).listen(Protocol.LMTP, STORES, 2542));
    newsStore = STARTED.add(new MailStoreSink("store." + NEWS).listen(Protocol.SMTP, STORES, 2543));
    ZoneUpdates.add(lab.dns(), lab.dns().authoritativeAddress(), lab.dns().authoritativePort(), ZONE, List.of(
        MX + ". 60 IN A " + ADDRESS,
        FLEET + ". 60 IN MX 10 " + MX + ".",
        SHOP + ". 60 IN MX 10 " + MX + ".",
        BLOG + ". 60 IN MX 10 " + MX + ".",
        NEWS + ". 60 IN MX 10 " + MX + ".",
        OTHER + ". 60 IN MX 10 mx." + OTHER + ".",
        "mx." + OTHER + ". 60 IN A 127.0.3.11"));

    fleet = STARTED.add(LabMta.create(lab.workDir().resolve("mta-routes"), ADDRESS,
        spec(SHOP_ROUTE, BLOG_ROUTE), lab.issuer().caCertificateFile(), lab.dns().resolvConf()));
    var key = LabPki.generateEcdsa();
    fleet.serve(LabPki.certificatePem(LabPki.selfSignedServer(key, MX, List.of(MX), Duration.ofDays(1))),
        LabPki.privateKeyPem(key.getPrivate(), false));
    fleet.start();
  }

  @AfterAll
  static void stop() {
    STARTED.closeAll();
  }

  /** The fleet domain's spec with these routes, as the MailTransport controller writes it. */
  static SecureMailDomainSpec spec(InboundRoute... routes) {
    SecureMailDomainSpec spec = Mtas.spec(FLEET, "smtp:[" + STORES + "]:2540");
    spec.getMta().getOutbound().setMtaSts(false); // the DANE-first policy daemon is not part of this lab
    spec.getMta().getInbound().setRoutes(new ArrayList<>(List.of(routes)));
    return spec;
  }

  static ManagedProcess.Completed send(String to, String subject) throws Exception {
    return Mtas.swaks(ADDRESS, 25, "alice@sender.example", to, subject, "--tls");
  }

  static Message delivered(String to, String subject, MailStoreSink store) throws Exception {
    ManagedProcess.Completed sent = send(to, subject);
    assertThat(sent.exitCode()).as("swaks transcript:\n" + sent.output()).isZero();
    return MtaInboundTest.awaitMessage(store, subject);
  }

  @Test
  void mailForEachRoutedDomainReachesItsOwnNextHopOverTls() throws Exception {
    fleet.reconfigure(spec(SHOP_ROUTE, BLOG_ROUTE));
    String toShop = Mtas.uniqueSubject("to the shop");
    String toBlog = Mtas.uniqueSubject("to the blog");
    String toFleet = Mtas.uniqueSubject("to the fleet domain");
    Message shop = delivered("bob@" + SHOP, toShop, shopStore);
    Message blog = delivered("carol@" + BLOG, toBlog, blogStore);
    Message ownMail = delivered("dave@" + FLEET, toFleet, own);

    assertThat(shop.protocol()).isEqualTo(Protocol.SMTP);
    assertThat(shop.recipients()).containsExactly("bob@" + SHOP);
    assertThat(blog.protocol()).isEqualTo(Protocol.LMTP);
    assertThat(blog.recipients()).containsExactly("carol@" + BLOG);
    for (Message message : List.of(shop, blog, ownMail)) {
      assertThat(message.overTls()).as("hop to " + message.recipients() + "'s next hop over TLS").isTrue();
      assertThat(message.tlsProtocol()).isIn("TLSv1.2", "TLSv1.3");
      assertThat(message.header("Received").get(0)).contains("by " + PostfixConfig.hostname(fleet.spec()) + " ");
    }
    // Each message at its own next hop only.
    for (MailStoreSink store : List.of(own, blogStore, newsStore)) {
      assertThat(store.messagesContaining(toShop)).isEmpty();
    }
    for (MailStoreSink store : List.of(own, shopStore, newsStore)) {
      assertThat(store.messagesContaining(toBlog)).isEmpty();
    }
  }

  /** Recipient verification per routed domain: the route's next hop is asked, at RCPT, over its TLS. */
  @Test
  void aRoutedDomainsUnknownRecipientIsRefusedAtRcptByItsOwnNextHopsAnswer() throws Exception {
    fleet.reconfigure(spec(SHOP_ROUTE, BLOG_ROUTE));
    String unknown = UNKNOWN_USER + "@" + SHOP;
    ManagedProcess.Completed sent = send(unknown, Mtas.uniqueSubject("to an unknown shop user"));
    assertThat(sent.exitCode()).as("swaks transcript:\n" + sent.output()).isNotZero();
    assertThat(sent.output()).containsPattern("<~\\* +550 5\\.1\\.1 <" + Pattern.quote(unknown)
        + ">: Recipient address rejected");
    // The same local part is known at the blog's store: only the shop's store was asked about it.
    delivered(UNKNOWN_USER + "@" + BLOG, Mtas.uniqueSubject("to the blog's user"), blogStore);
  }

  @Test
  void aRouteAddedLaterTakesEffectByReloadAndAQueuedMessageSurvives() throws Exception {
    fleet.reconfigure(spec(SHOP_ROUTE, BLOG_ROUTE));
    // erin has had mail before: the fleet knows the blog's store has her (recipient verification),
    // so mail for her is accepted and queued while that store is down.
    delivered("erin@" + BLOG, Mtas.uniqueSubject("before the outage"), blogStore);
    await("the queue empty").atMost(DELIVERED).until(fleet::queue, List::isEmpty);
    blogStore.down(true);
    try {
      String queuedSubject = Mtas.uniqueSubject("queued for the blog");
      assertThat(send("erin@" + BLOG, queuedSubject).exitCode()).isZero();
      List<LabMta.QueuedMessage> queued = await("the message deferred while the blog's store is down")
          .atMost(DELIVERED).pollInterval(Duration.ofMillis(250))
          .until(fleet::queue, q -> q.size() == 1 && q.get(0).queueName().equals("deferred"));

      // Before its route, the news domain (its MX names this MTA) is deferred, not refused for good.
      ManagedProcess.Completed early = send("frank@" + NEWS, Mtas.uniqueSubject("news before its route"));
      assertThat(early.exitCode()).as("swaks transcript:\n" + early.output()).isNotZero();
      assertThat(early.output()).containsPattern("<~\\* +450 4\\.4\\.4 ");

      long master = fleet.masterPid();
      fleet.reconfigure(spec(SHOP_ROUTE, BLOG_ROUTE, NEWS_ROUTE));
      Message news = delivered("frank@" + NEWS, Mtas.uniqueSubject("news after its route"), newsStore);
      assertThat(news.overTls()).isTrue();
      assertThat(fleet.isRunning()).isTrue();
      assertThat(fleet.masterPid()).as("Postfix's master process: reloaded, not restarted").isEqualTo(master);
      // The news message may sit in the queue a moment after the store has it; the queued one stays.
      await("the queue after the table change: the deferred message, still there").atMost(DELIVERED)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> fleet.queue().stream().map(LabMta.QueuedMessage::queueId).toList(),
              ids -> ids.equals(List.of(queued.get(0).queueId())));

      blogStore.down(false);
      fleet.flush();
      Message late = MtaInboundTest.awaitMessage(blogStore, queuedSubject);
      assertThat(late.overTls()).isTrue();
      assertThat(late.recipients()).containsExactly("erin@" + BLOG);
      await("the queue empty").atMost(DELIVERED).pollInterval(Duration.ofMillis(250)).until(fleet::queue, List::isEmpty);
      assertThat(blogStore.messagesContaining(queuedSubject)).hasSize(1);
    } finally {
      blogStore.down(false);
    }
  }

  /**
   * A route removed: its domain, whose MX record may still name this MTA in senders' caches, gets
   * 450 (they retry, and find its new MX); a domain that never pointed here gets 554 (RFC 5321
   * section 4.2.1). The other routes are untouched.
   */
  @Test
  void aRemovedRouteIsDeferredWhileItsMxNamesThisMtaAndOtherDomainsAreRefused() throws Exception {
    fleet.reconfigure(spec(SHOP_ROUTE, BLOG_ROUTE));
    delivered("gina@" + SHOP, Mtas.uniqueSubject("shop while routed"), shopStore);
    long master = fleet.masterPid();
    fleet.reconfigure(spec(BLOG_ROUTE));

    String subject = Mtas.uniqueSubject("shop after its route was removed");
    ManagedProcess.Completed withdrawn = send("gina@" + SHOP, subject);
    assertThat(withdrawn.exitCode()).as("swaks transcript:\n" + withdrawn.output()).isNotZero();
    assertThat(withdrawn.output()).containsPattern("<~\\* +450 4\\.4\\.4 <gina@" + Pattern.quote(SHOP) + ">");
    ManagedProcess.Completed other = send("henry@" + OTHER, subject);
    assertThat(other.output()).as("swaks transcript").containsPattern("<~\\* +554 5\\.7\\.1 .*Relay access denied");
    delivered("ida@" + BLOG, Mtas.uniqueSubject("blog still routed"), blogStore);
    assertThat(fleet.masterPid()).isEqualTo(master);
    Thread.sleep(1000);
    assertThat(shopStore.messagesContaining(subject)).isEmpty();
    fleet.reconfigure(spec(SHOP_ROUTE, BLOG_ROUTE));
  }
}
