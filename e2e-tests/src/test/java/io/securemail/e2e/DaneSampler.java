package io.securemail.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.api.SecureMailDomain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

/**
 * A sending MTA's view, sampled on a fixed period and written independently of the operator's code:
 * the key served on port 25 after STARTTLS, and the TLSA set at _25._tcp.&lt;mx&gt; as the
 * validating resolver returns it (only with the AD bit does it count, RFC 7672 section 2.2). A
 * sample is a mismatch when DANE would fail: TLSA records validate but none is the served key.
 */
final class DaneSampler implements AutoCloseable {

  record Sample(long atMillis, String phase, String servedSpki, Set<String> tlsa, boolean secure, String error) {

    boolean probed() {
      return error == null;
    }

    /** The served key matches a validated 3 1 1 TLSA record (or no TLSA exists: DANE does not apply). */
    boolean matches() {
      return tlsa.isEmpty() || secure && tlsa.contains(servedSpki);
    }
  }

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final List<Sample> samples = new ArrayList<>();
  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String mxHost;
  private final String address;
  private final SimpleResolver resolver;

  DaneSampler(KubernetesClient client, String namespace, String name, String mxHost, String address,
      String resolverAddress, int resolverPort) throws Exception {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.mxHost = mxHost;
    this.address = address;
    this.resolver = new SimpleResolver(InetAddress.getByName(resolverAddress));
    resolver.setPort(resolverPort);
    resolver.setTimeout(Duration.ofSeconds(2));
  }

  DaneSampler start(Duration period) {
    timer.scheduleAtFixedRate(this::sample, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  /**
   * Prints how the samples fell by phase and asserts what a sender would notice: no sample where
   * DANE failed, and at most one in fifty where port 25 or DNS did not answer at all.
   *
   * @return the probed samples (those that got both a handshake and a TLSA answer)
   */
  List<Sample> assertDaneNeverFailed(String what) {
    List<Sample> all = samples();
    List<Sample> probed = all.stream().filter(Sample::probed).toList();
    System.out.printf("[dane] %s sampled %d times (%d probed) by phase: %s%n", what, all.size(), probed.size(),
        probed.stream().collect(java.util.stream.Collectors.groupingBy(s -> String.valueOf(s.phase()),
            java.util.stream.Collectors.counting())));
    org.assertj.core.api.Assertions.assertThat(probed.stream().filter(s -> !s.matches()).toList())
        .as("samples where DANE would fail").isEmpty();
    org.assertj.core.api.Assertions.assertThat(all.size() - probed.size())
        .as("samples where port 25 or DNS did not answer: %s",
            all.stream().filter(s -> !s.probed()).map(Sample::error).distinct().toList())
        .isLessThanOrEqualTo(all.size() / 50);
    return probed;
  }

  private void sample() {
    long at = System.currentTimeMillis();
    String phase = null;
    try {
      SecureMailDomain smd = Domains.api(client).inNamespace(namespace).withName(name).get();
      phase = smd == null || smd.getStatus() == null || smd.getStatus().getDane() == null ? null
          : smd.getStatus().getDane().getPhase();
      String served = servedSpki(address);
      Message query = Message.newQuery(Record.newRecord(Name.fromString("_25._tcp." + mxHost + "."), Type.TLSA,
          DClass.IN));
      query.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
      query.getHeader().setFlag(Flags.AD);
      Message answer = resolver.send(query);
      record(new Sample(at, phase, served, daneEeSpkis(answer), secure(answer), null));
    } catch (Exception e) {
      record(new Sample(at, phase, null, Set.of(), false, e.toString()));
    }
  }

  private synchronized void record(Sample sample) {
    samples.add(sample);
  }

  /** The SPKI SHA-256 digests of the answer's DANE-EE SPKI SHA-256 (3 1 1) TLSA records. */
  static Set<String> daneEeSpkis(Message answer) {
    Set<String> tlsa = new TreeSet<>();
    for (Record r : answer.getSection(Section.ANSWER)) {
      if (r instanceof TLSARecord t && t.getCertificateUsage() == 3 && t.getSelector() == 1
          && t.getMatchingType() == 1) {
        tlsa.add(HexFormat.of().formatHex(t.getCertificateAssociationData()));
      }
    }
    return tlsa;
  }

  /** Whether the validating resolver answered and vouched for the answer (AD). */
  static boolean secure(Message answer) {
    return answer.getRcode() == Rcode.NOERROR && answer.getHeader().getFlag(Flags.AD);
  }

  /** The SHA-256 of the key the SMTP server at {@code address} serves after STARTTLS. */
  static String servedSpki(String address) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, 25), 2000);
      socket.setSoTimeout(2000);
      var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      var out = socket.getOutputStream();
      reply(in);
      out.write("EHLO sampler.test\r\n".getBytes(StandardCharsets.US_ASCII));
      reply(in);
      out.write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
      String go = reply(in);
      if (!go.startsWith("220")) {
        throw new IllegalStateException("STARTTLS refused: " + go);
      }
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {new AnyChain()}, null);
      try (SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(socket, address, 25, true)) {
        secured.startHandshake();
        X509Certificate leaf = (X509Certificate) secured.getSession().getPeerCertificates()[0];
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getPublicKey().getEncoded()));
      }
    }
  }

  private static String reply(BufferedReader in) throws Exception {
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IllegalStateException("connection closed");
      }
    } while (line.length() > 3 && line.charAt(3) == '-');
    return line;
  }

  @Override
  public void close() throws InterruptedException {
    timer.shutdown();
    timer.awaitTermination(5, TimeUnit.SECONDS);
  }

  private static final class AnyChain implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
