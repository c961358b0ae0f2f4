package io.securemail.e2e;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * What a DANE sender sees when it delivers to a domain served by a shared MX fleet, sampled on a
 * fixed period for each of a few domains, written independently of the operator's code: the
 * domain's MX set, then for each MX host its address and its TLSA set at {@code _25._tcp.<mx>} as
 * the validating resolver returns them (only with the AD bit do they count, RFC 7672 section 2.2),
 * and the key the host serves on port 25 after STARTTLS. A sample is a mismatch when DANE would
 * fail for that domain: an MX answer or TLSA set that does not validate, no TLSA record at a fleet
 * host that always has some, or TLSA records none of which is the served key (RFC 7672 section
 * 2.2.2: a sender then must not deliver).
 */
final class FleetDaneSampler implements AutoCloseable {

  /**
   * @param phase the fleet's DANE phase when the sample was taken
   * @param shownPhase the phase the domain's own status showed then (status.transport.danePhase)
   */
  record Sample(long atMillis, String domain, String mx, String phase, String shownPhase, String servedSpki,
      Set<String> tlsa, boolean secure, String error) {

    boolean probed() {
      return error == null;
    }

    boolean matches() {
      return secure && !tlsa.isEmpty() && tlsa.contains(servedSpki);
    }
  }

  private final List<Sample> samples = new ArrayList<>();
  private final List<String> domains;
  private final Supplier<String> phase;
  private final Function<String, String> shownPhase;
  private final SimpleResolver resolver;
  private final ScheduledExecutorService timer;

  /**
   * @param domains the mail domains to deliver to
   * @param phase the fleet's DANE phase now, recorded with each sample
   * @param shownPhase the phase a domain's status shows now, by mail domain, recorded with its samples
   */
  FleetDaneSampler(List<String> domains, Supplier<String> phase, Function<String, String> shownPhase,
      String resolverAddress, int resolverPort) throws Exception {
    this.domains = List.copyOf(domains);
    this.phase = phase;
    this.shownPhase = shownPhase;
    this.resolver = new SimpleResolver(InetAddress.getByName(resolverAddress));
    resolver.setPort(resolverPort);
    resolver.setTimeout(Duration.ofSeconds(2));
    this.timer = Executors.newScheduledThreadPool(domains.size());
  }

  FleetDaneSampler start(Duration period) {
    for (String domain : domains) {
      timer.scheduleAtFixedRate(() -> sample(domain), 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  /**
   * Prints how the samples fell by domain and phase and asserts what a sender would notice: no
   * sample where DANE failed, and at most one in fifty where port 25 or DNS did not answer at all.
   *
   * @return the probed samples
   */
  List<Sample> assertDaneNeverFailed(String what) {
    List<Sample> all = samples();
    List<Sample> probed = all.stream().filter(Sample::probed).toList();
    System.out.printf("[fleet] %s sampled %d times (%d probed); by domain and phase: %s%n", what, all.size(),
        probed.size(), probed.stream().collect(Collectors.groupingBy(s -> s.domain() + " " + s.phase(),
            java.util.TreeMap::new, Collectors.counting())));
    org.assertj.core.api.Assertions.assertThat(probed.stream().filter(s -> !s.matches()).toList())
        .as("samples where DANE would fail").isEmpty();
    org.assertj.core.api.Assertions.assertThat(all.size() - probed.size())
        .as("samples where port 25 or DNS did not answer: %s",
            all.stream().filter(s -> !s.probed()).map(Sample::error).distinct().toList())
        .isLessThanOrEqualTo(all.size() / 50);
    return probed;
  }

  private void sample(String domain) {
    long at = System.currentTimeMillis();
    String now = null;
    String shown = null;
    try {
      now = phase.get();
      shown = shownPhase.apply(domain);
      Message mx = query(domain, Type.MX);
      boolean mxSecure = DaneSampler.secure(mx);
      List<String> hosts = mx.getSection(Section.ANSWER).stream().filter(r -> r instanceof MXRecord)
          .map(r -> ((MXRecord) r).getTarget().toString(true)).sorted().toList();
      if (hosts.isEmpty()) {
        throw new IllegalStateException("no MX record for " + domain + " (rcode " + Rcode.string(mx.getRcode()) + ")");
      }
      for (String host : hosts) {
        Message a = query(host, Type.A);
        String address = a.getSection(Section.ANSWER).stream().filter(r -> r instanceof ARecord)
            .map(r -> ((ARecord) r).getAddress().getHostAddress()).findFirst()
            .orElseThrow(() -> new IllegalStateException("no address for " + host));
        Message answer = query("_25._tcp." + host, Type.TLSA);
        String served = DaneSampler.servedSpki(address);
        record(new Sample(at, domain, host, now, shown, served, DaneSampler.daneEeSpkis(answer),
            mxSecure && DaneSampler.secure(a) && DaneSampler.secure(answer), null));
      }
    } catch (Exception e) {
      record(new Sample(at, domain, null, now, shown, null, Set.of(), false, e.toString()));
    }
  }

  private Message query(String name, int type) throws Exception {
    Message query = Message.newQuery(Record.newRecord(Name.fromString(name.endsWith(".") ? name : name + "."), type,
        DClass.IN));
    query.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
    query.getHeader().setFlag(Flags.AD);
    return resolver.send(query);
  }


  private synchronized void record(Sample sample) {
    samples.add(sample);
  }

  @Override
  public void close() throws InterruptedException {
    timer.shutdown();
    timer.awaitTermination(5, TimeUnit.SECONDS);
  }
}
