package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.securemail.lab.Lab;
import io.securemail.lab.mail.LabMta;
import io.securemail.lab.mail.MailStoreSink;
import io.securemail.lab.mail.MailStoreSink.Message;
import io.securemail.lab.mail.MailStoreSink.Protocol;
import io.securemail.lab.support.LabPki;
import io.securemail.lab.support.ManagedProcess;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nothing is lost: mail the MTA accepted (for addresses the store confirmed before) stays queued
 * while the mail store is down, across a restart of the MTA on the same queue volume, and is
 * delivered when the store is back; and a new MX certificate is picked up under load without a
 * single failed delivery.
 */
@ExtendWith(LabExtension.class)
class MtaResilienceTest {

  static final String STORE = "127.0.3.10";
  static final String NS = "mta-resilience";
  static final String SECRET = "rotate-mx-tls";
  static final Duration DELIVERED = Duration.ofSeconds(20);

  static Lab lab;
  static Path work;
  static final Started STARTED = new Started();

  @BeforeAll
  static void start(Lab l) {
    lab = l;
    work = l.workDir().resolve("mta-resilience");
  }

  @AfterAll
  static void stop() {
    STARTED.closeAll();
  }

  static <T extends AutoCloseable> T started(T closeable) {
    return STARTED.add(closeable);
  }

  static LabMta mta(String name, String address, String domain, String deliverTo) throws Exception {
    LabMta mta = started(LabMta.create(work.resolve(name), address, Mtas.spec(domain, deliverTo),
        lab.issuer().caCertificateFile(), lab.dns().resolvConf()));
    KeyPair key = LabPki.generateEcdsa();
    mta.serve(LabPki.certificatePem(certificate(key, "mx." + domain)), LabPki.privateKeyPem(key.getPrivate(), false));
    return mta;
  }

  record Connection(long startedAt, X509Certificate served) {}

  static Secret tlsSecret(X509Certificate certificate, KeyPair key) {
    return new SecretBuilder().withNewMetadata().withName(SECRET).withNamespace(NS).endMetadata()
        .withType("kubernetes.io/tls")
        .withData(Map.of("tls.crt", PostfixLabTest.base64(LabPki.certificatePem(certificate)),
            "tls.key", PostfixLabTest.base64(LabPki.privateKeyPem(key.getPrivate(), false))))
        .build();
  }

  static X509Certificate certificate(KeyPair key, String host) {
    return LabPki.selfSignedServer(key, host, List.of(host), Duration.ofDays(1));
  }

  @Test
  void mailAcceptedWhileTheStoreIsDownSurvivesAnMtaRestartAndIsDeliveredWhenTheStoreIsBack() throws Exception {
    String domain = "queue.mta.test";
    MailStoreSink store = started(new MailStoreSink("store.queue.mta.test").listen(Protocol.SMTP, STORE, 2526));
    LabMta mta = mta("queue", "127.0.3.3", domain, "smtp:[" + STORE + "]:2526").start();
    // bob has had mail before: the MTA has asked the store about him (recipient verification)
    // and keeps the answer, so mail for him is still accepted while the store is down.
    String earlier = Mtas.uniqueSubject("before the outage");
    assertThat(Mtas.swaks("127.0.3.3", 25, "alice@sender.example", "bob@" + domain, earlier, "--tls").exitCode())
        .isZero();
    await("the earlier message delivered").atMost(DELIVERED).pollInterval(Duration.ofMillis(250))
        .until(() -> !store.messagesContaining(earlier).isEmpty() && mta.queue().isEmpty());
    store.down(true);

    List<String> subjects = List.of(Mtas.uniqueSubject("queued 1"), Mtas.uniqueSubject("queued 2"),
        Mtas.uniqueSubject("queued 3"));
    for (String subject : subjects) {
      ManagedProcess.Completed sent = Mtas.swaks("127.0.3.3", 25, "alice@sender.example", "bob@" + domain, subject,
          "--tls");
      assertThat(sent.exitCode()).as("accepted by the MTA; swaks transcript:\n" + sent.output()).isZero();
    }
    // An address the store was never asked about cannot be checked now: the sender is told to
    // retry (450), rather than the MTA accepting what it might have to bounce.
    ManagedProcess.Completed unverified = Mtas.swaks("127.0.3.3", 25, "alice@sender.example", "carol@" + domain,
        Mtas.uniqueSubject("unverifiable"), "--tls");
    assertThat(unverified.exitCode()).as("swaks transcript:\n" + unverified.output()).isNotZero();
    assertThat(unverified.output()).containsPattern("<~\\* +450 4\\.\\d\\.\\d <carol@" + domain.replace(".", "\\.")
        + ">: Recipient address rejected");
    List<LabMta.QueuedMessage> deferred = await("3 messages deferred because the mail store answers 421")
        .atMost(DELIVERED).pollInterval(Duration.ofMillis(250))
        .until(mta::queue, q -> q.size() == 3 && q.stream().allMatch(m -> m.queueName().equals("deferred")
            && m.delayReasons().stream().anyMatch(r -> r.contains("421"))));
    assertThat(store.connections()).as("delivery attempts the store refused").isPositive();
    assertThat(store.messages()).as("messages at the store: only the one from before the outage").hasSize(1);

    // The Pod is replaced: Postfix stops, and starts again on the same queue volume.
    mta.stop();
    assertThat(mta.isRunning()).isFalse();
    assertThat(mta.queue()).as("queue while the MTA is stopped")
        .extracting(LabMta.QueuedMessage::queueId)
        .containsExactlyInAnyOrderElementsOf(deferred.stream().map(LabMta.QueuedMessage::queueId).toList());
    mta.start();
    assertThat(mta.queue()).as("queue after the restart").extracting(LabMta.QueuedMessage::queueId)
        .containsExactlyInAnyOrderElementsOf(deferred.stream().map(LabMta.QueuedMessage::queueId).toList());

    store.down(false);
    mta.flush();
    await("every queued message delivered and the queue empty").atMost(DELIVERED).pollInterval(Duration.ofMillis(250))
        .until(() -> subjects.stream().allMatch(s -> !store.messagesContaining(s).isEmpty()) && mta.queue().isEmpty());
    for (String subject : subjects) {
      List<Message> arrived = store.messagesContaining(subject);
      assertThat(arrived).as("copies of '" + subject + "' at the store").hasSize(1);
      assertThat(arrived.get(0).overTls()).isTrue();
      assertThat(arrived.get(0).recipients()).containsExactly("bob@" + domain);
    }
  }

  @Test
  void aNewCertificateIsServedUnderLoadWithoutAFailedDelivery() throws Exception {
    String domain = "rotate.mta.test";
    MailStoreSink store = started(new MailStoreSink("store.rotate.mta.test").listen(Protocol.LMTP, STORE, 2427));
    // The certificate comes from a Secret (as cert-manager renews NAME-mx-tls), mounted as the kubelet would.
    var client = lab.client();
    Domains.createNamespace(client, NS);
    KeyPair firstKey = LabPki.generateEcdsa();
    X509Certificate first = certificate(firstKey, "mx." + domain);
    client.secrets().inNamespace(NS).resource(tlsSecret(first, firstKey)).create();
    LabMta mta = started(LabMta.create(work.resolve("rotate"), "127.0.3.4", Mtas.spec(domain,
        "lmtp:[" + STORE + "]:2427"), lab.issuer().caCertificateFile(), lab.dns().resolvConf()));
    mta.mountSecret(client, NS, SECRET);
    await("Secret " + SECRET + " mounted").atMost(DELIVERED).until(mta::hasCertificate);
    mta.start();
    assertThat(Mtas.startTls("127.0.3.4", 25).certificate()).isEqualTo(first);

    // A few senders keep sending over STARTTLS, each message on a new connection, while the
    // certificate changes twice; every rotation happens with at least 10 messages before and after.
    int threads = 4;
    AtomicInteger sent = new AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
    List<String> failures = new CopyOnWriteArrayList<>();
    List<Connection> connections = new CopyOnWriteArrayList<>();
    Set<String> subjects = ConcurrentHashMap.newKeySet();
    ExecutorService senders = Executors.newFixedThreadPool(threads);
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      running.add(senders.submit(() -> {
        for (int i = 0; sending.get() && i < 100; i++) {
          String subject = Mtas.uniqueSubject("load " + thread + "-" + i);
          long startedAt = System.nanoTime();
          try {
            X509Certificate served = Mtas.send("127.0.3.4", 25, "sender" + thread + "@sender.example",
                "bob@" + domain, subject);
            connections.add(new Connection(startedAt, served));
            subjects.add(subject);
          } catch (Exception e) {
            failures.add(subject + ": " + e);
          }
          sent.incrementAndGet();
        }
      }));
    }
    // Each certificate in order, and when a new connection was first seen to get it.
    List<X509Certificate> certificates = new ArrayList<>(List.of(first));
    List<Long> servedSince = new ArrayList<>(List.of(0L));
    try {
      for (int step = 1; step <= 3; step++) {
        int after = sent.get() + 10;
        await("the senders to send " + after + " messages").atMost(DELIVERED).until(() -> sent.get() >= after);
        if (step == 3) {
          break;
        }
        KeyPair key = LabPki.generateEcdsa();
        X509Certificate next = certificate(key, "mx." + domain);
        // Postfix's reload asks each running smtpd to exit; one that is idle may still accept one
        // more connection before it notices, with the certificate it loaded (postfix master(8)).
        // The newer certificate counts as served once those processes are gone.
        List<ProcessHandle> before = smtpds(mta.masterPid());
        client.secrets().inNamespace(NS).resource(tlsSecret(next, key)).update();
        await("certificate " + step + " served to a new connection").atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(50)).until(() -> Mtas.startTls("127.0.3.4", 25).certificate().equals(next));
        await("the smtpd processes of before the reload to exit").atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(50)).until(() -> before.stream().noneMatch(ProcessHandle::isAlive));
        certificates.add(next);
        servedSince.add(System.nanoTime());
      }
    } finally {
      sending.set(false);
      senders.shutdown();
    }
    assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).as("senders finished within 60 s").isTrue();
    for (Future<?> f : running) {
      f.get();
    }
    // Once a new connection got a certificate, no later connection gets an older one.
    for (Connection connection : connections) {
      int newest = 0;
      for (int i = 0; i < servedSince.size(); i++) {
        if (connection.startedAt() > servedSince.get(i)) {
          newest = i;
        }
      }
      // (A connection started shortly before a switch was observed may already have the newer one.)
      assertThat(certificates.indexOf(connection.served())).as("certificate of a connection started after "
          + "certificate " + newest + " was served").isGreaterThanOrEqualTo(newest);
    }
    assertThat(connections).extracting(Connection::served).as("certificates the senders saw")
        .containsAll(certificates);
    assertThat(failures).as("messages the MTA did not accept").isEmpty();
    assertThat(subjects).hasSize(sent.get()).hasSizeGreaterThanOrEqualTo(30);
    await("all " + subjects.size() + " messages at the mail store").atMost(DELIVERED).pollInterval(Duration.ofMillis(250))
        .until(() -> subjects.stream().allMatch(s -> !store.messagesContaining(s).isEmpty()));
    assertThat(store.messages()).hasSize(subjects.size()).allMatch(Message::overTls, "over TLS")
        .allMatch(m -> m.body().contains("\r\n.line starting with a dot"), "dot-stuffing undone end to end");
    // A message whose delivery was under way when a reload replaced the queue manager can stay in
    // the queue with its recipient already marked delivered, until the next queue scan removes it
    // (no second delivery: the store has each message once). Nothing undelivered is left.
    assertThat(mta.queue()).allMatch(m -> m.recipients().isEmpty(), "queued with no recipient left to deliver");
    mta.flush();
    await("the queue to be empty after postqueue -f").atMost(DELIVERED).pollInterval(Duration.ofMillis(250))
        .until(mta::queue, List::isEmpty);
    assertThat(store.messages()).as("messages at the store after the flush").hasSize(subjects.size());
  }

  /** The smtpd processes Postfix's master runs now. */
  static List<ProcessHandle> smtpds(long masterPid) {
    return ProcessHandle.of(masterPid).stream().flatMap(ProcessHandle::children)
        .filter(p -> p.info().command().map(c -> c.endsWith("/smtpd")).orElse(false)).toList();
  }
}
