package io.securemail.operator.compliance.dns;

import io.securemail.operator.compliance.net.AddressText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * {@link DnsProbe} over dnsjava, in either {@link DnssecMode}.
 *
 * <p>How dnsjava's {@link ValidatingResolver} (3.6) reports its verdict, which this class reads: a
 * secure answer carries the AD bit; an insecure one is returned as the resolver gave it, without AD; a
 * bogus one is replaced by SERVFAIL carrying an Extended DNS Error (RFC 8914) with the reason, and the
 * same reason as a TXT record of class {@link ValidatingResolver#VALIDATION_REASON_QCLASS} in the
 * additional section. It sends its own queries with CD set, so the upstream resolver hands over
 * signatures even for data it would itself reject, and the verdict is ours alone.
 *
 * <p>Thread-safe: one instance serves concurrent lookups (each query's validation state is its own;
 * dnsjava's key cache is synchronized). The key cache spans lookups: a validated DNSKEY set, or the
 * proof that a zone is unsigned, is reused for its TTL, at most 900 s (dnsjava's default), as a
 * validating resolver caches it; a key set that failed validation is not kept.
 *
 * <p>In {@link DnssecMode#VALIDATE} each lookup first fetches the response itself; when an
 * identical response (same records, same signatures: {@link ResponseFingerprint}) was validated a
 * moment ago, its verdict is used again ({@link ValidatedAnswers}, which says why that is safe);
 * otherwise the validator validates exactly that response ({@link HandingResolver}), and a
 * signature over the same RRset verified earlier with the same key is not verified again
 * ({@link VerifiedSignatures}).
 */
public final class DnsjavaProbe implements DnsProbe {

  private final Resolver resolver;
  private final DnssecMode mode;
  private final Duration timeout;
  private final String resolverName;
  /** Under the validator, in {@link DnssecMode#VALIDATE}; null otherwise. */
  private final HandingResolver head;
  private final ValidatedAnswers validated;
  private static final java.security.SecureRandom ID_RANDOM = new java.security.SecureRandom();
  /** Validations under way, by the fingerprint of the response being validated. */
  private final Map<ResponseFingerprint, CompletableFuture<DnsAnswer>> validating = new ConcurrentHashMap<>();

  private DnsjavaProbe(Resolver resolver, DnssecMode mode, Duration timeout, String resolverName, HandingResolver head,
      ValidatedAnswers validated) {
    this.resolver = resolver;
    this.mode = mode;
    this.timeout = timeout;
    this.resolverName = resolverName;
    this.head = head;
    this.validated = validated;
  }

  /**
   * @param resolvers recursive resolvers to ask; empty means the system's (resolv.conf)
   * @param anchors trust anchors for {@link DnssecMode#VALIDATE}; ignored for {@link DnssecMode#RESOLVER_AD}
   */
  public static DnsjavaProbe create(List<InetSocketAddress> resolvers, DnssecMode mode, TrustAnchors anchors,
      Duration timeout) {
    return create(resolvers, mode, anchors, timeout, ValidatedAnswers.withDefaults());
  }

  /** Like {@link #create(List, DnssecMode, TrustAnchors, Duration)}, with verdicts kept in {@code validated}. */
  static DnsjavaProbe create(List<InetSocketAddress> resolvers, DnssecMode mode, TrustAnchors anchors,
      Duration timeout, ValidatedAnswers validated) {
    List<InetSocketAddress> servers = resolvers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : resolvers;
    String names = servers.stream()
        .map(a -> (a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress()) + ":" + a.getPort())
        .collect(Collectors.joining(", "));
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no DNS resolver configured on this system; pass one explicitly");
    }
    List<Resolver> simple = servers.stream().map(a -> {
      SimpleResolver r = new SimpleResolver(a);
      r.setTimeout(timeout);
      return (Resolver) r;
    }).toList();
    Resolver head = simple.size() == 1 ? simple.get(0) : new ExtendedResolver(simple);
    head.setTimeout(timeout);
    if (mode == DnssecMode.RESOLVER_AD) {
      // DO (RFC 3225) so a validating resolver validates for us and may set AD (RFC 6840 section 5.7).
      head.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
      return new DnsjavaProbe(head, mode, timeout, names, null, null);
    }
    HandingResolver handing = new HandingResolver(head, VerifiedSignatures.withDefaults());
    ValidatingResolver validating = new ValidatingResolver(handing);
    try {
      validating.loadTrustAnchors(anchors.stream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new DnsjavaProbe(validating, mode, timeout, names, handing, validated);
  }

  @Override
  public DnsAnswer lookup(String name, String type) {
    int qtype = Type.value(type);
    Name qname;
    try {
      qname = Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      return DnsAnswer.failed(name, type, DnsAnswer.Outcome.ERROR, DnssecState.indeterminate, "not a DNS name: " + name);
    }
    Message query = Message.newQuery(Record.newRecord(qname, qtype, DClass.IN));
    if (mode == DnssecMode.RESOLVER_AD) {
      query.getHeader().setFlag(Flags.AD);
    }
    // A validating lookup may take several round trips (DS and DNSKEY of each zone on the way).
    long limit = timeout.toMillis() * (mode == DnssecMode.VALIDATE ? 6 : 2);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limit);
    if (head != null) {
      return validatedLookup(name, type, qtype, query, deadline);
    }
    try {
      return interpret(name, type, qtype, await(resolver.sendAsync(query), deadline));
    } catch (LookupFailed e) {
      return unreachable(name, type, e.getMessage());
    }
  }

  /**
   * Fetches the response as the validator would (the same query with CD set, RFC 4035 section
   * 3.2.2), then either takes the verdict already reached on an identical response or has the
   * validator validate this one. A failure to fetch is the failure the validator's own first query
   * would have met, reported the same way.
   */
  private DnsAnswer validatedLookup(String name, String type, int qtype, Message query, long deadline) {
    Message fetchQuery = query.clone();
    fetchQuery.getHeader().setFlag(Flags.CD);
    Message fetched;
    try {
      fetched = await(head.fetch(fetchQuery), deadline);
    } catch (LookupFailed e) {
      return unreachable(name, type, e.getMessage());
    }
    ResponseFingerprint fingerprint = ResponseFingerprint.of(fetched);
    Optional<DnsAnswer> known = validated.get(fingerprint);
    if (known.isPresent()) {
      DnsAnswer answer = known.get();
      return new DnsAnswer(name, type, answer.outcome(), answer.data(), answer.dnssec(), answer.detail());
    }
    // Checks running at once ask the same questions at about the same time: one validates, the
    // others wait for its verdict on the identical response instead of validating it too.
    CompletableFuture<DnsAnswer> mine = new CompletableFuture<>();
    CompletableFuture<DnsAnswer> running = validating.putIfAbsent(fingerprint, mine);
    if (running != null) {
      Optional<DnsAnswer> theirs = awaitVerdict(running, deadline);
      if (theirs.isPresent()) {
        DnsAnswer answer = theirs.get();
        return new DnsAnswer(name, type, answer.outcome(), answer.data(), answer.dnssec(), answer.detail());
      }
      mine = null;
    }
    boolean held = head.hold(fetchQuery, fetched);
    if (!held) {
      // Another lookup of the same question drew the same id and holds its response: this one's
      // validator asks with another random id, so that it cannot take that response.
      query.getHeader().setID(ID_RANDOM.nextInt(0x10000));
    }
    DnsAnswer answer = null;
    boolean handedOver;
    try {
      answer = interpret(name, type, qtype, await(resolver.sendAsync(query), deadline));
    } catch (LookupFailed e) {
      return unreachable(name, type, e.getMessage());
    } finally {
      handedOver = held && head.release(fetchQuery, fetched);
      if (mine != null) {
        // Only a verdict on exactly the fingerprinted response is kept or shared.
        mine.complete(handedOver && answer != null && ValidatedAnswers.definite(answer) ? answer : null);
        validating.remove(fingerprint, mine);
      }
    }
    if (handedOver) {
      validated.put(fingerprint, answer, ResponseFingerprint.lifetime(fetched, java.time.Instant.now()));
    }
    return answer;
  }

  /** The definite verdict another lookup reached on the identical response; empty when it reached none in time. */
  private static Optional<DnsAnswer> awaitVerdict(CompletableFuture<DnsAnswer> running, long deadline) {
    try {
      return Optional.ofNullable(running.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    }
  }

  /** Why a query got no response, in the words {@link #unreachable} reports. */
  private static final class LookupFailed extends Exception {
    LookupFailed(String why) {
      super(why, null, false, false);
    }
  }

  private Message await(java.util.concurrent.CompletionStage<Message> pending, long deadline) throws LookupFailed {
    try {
      long left = Math.max(0, deadline - System.nanoTime());
      return pending.toCompletableFuture().get(left, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new LookupFailed("no answer within " + timeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof java.net.PortUnreachableException) {
        throw new LookupFailed("nothing listens there (ICMP port unreachable)");
      }
      throw new LookupFailed(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LookupFailed("interrupted");
    }
  }

  private DnsAnswer unreachable(String name, String type, String why) {
    return DnsAnswer.failed(name, type, DnsAnswer.Outcome.UNREACHABLE, DnssecState.indeterminate,
        "resolver " + resolverName + " did not answer: " + why);
  }

  private DnsAnswer interpret(String name, String type, int qtype, Message response) {
    int rcode = response.getRcode();
    if (rcode == Rcode.SERVFAIL) {
      return servfail(name, type, response);
    }
    DnssecState dnssec = response.getHeader().getFlag(Flags.AD) ? DnssecState.secure : DnssecState.insecure;
    if (rcode == Rcode.NXDOMAIN) {
      return new DnsAnswer(name, type, DnsAnswer.Outcome.NXDOMAIN, List.of(), dnssec, "NXDOMAIN" + reason(response));
    }
    if (rcode != Rcode.NOERROR) {
      return DnsAnswer.failed(name, type, DnsAnswer.Outcome.ERROR, DnssecState.indeterminate,
          "the resolver answered " + Rcode.string(rcode));
    }
    // Records of the asked type at any owner: a CNAME chain ends at another name (RFC 1034 section 3.6.2).
    List<String> data = response.getSection(Section.ANSWER).stream().filter(r -> r.getType() == qtype)
        .map(DnsjavaProbe::presentation).distinct().toList();
    // The detail is the validator's explanation alone, e.g. why an answer is insecure.
    return new DnsAnswer(name, type, data.isEmpty() ? DnsAnswer.Outcome.NODATA : DnsAnswer.Outcome.ANSWER, data,
        dnssec, validatorReason(response).orElse(""));
  }

  private DnsAnswer servfail(String name, String type, Message response) {
    ExtendedErrorCodeOption ede = extendedError(response);
    String why = ede == null ? "" : " (" + ExtendedErrorCodeOption.text(ede.getErrorCode()).replace('_', ' ')
        .toLowerCase(java.util.Locale.ROOT)
        + (ede.getText() == null || ede.getText().isBlank() ? "" : ": " + ede.getText()) + ")";
    String reason = reason(response);
    if (ede != null && (ede.getErrorCode() == ExtendedErrorCodeOption.NO_REACHABLE_AUTHORITY
        || ede.getErrorCode() == ExtendedErrorCodeOption.NETWORK_ERROR
        || ede.getErrorCode() == ExtendedErrorCodeOption.DNSSEC_INDETERMINATE)) {
      return DnsAnswer.failed(name, type, DnsAnswer.Outcome.ERROR, DnssecState.indeterminate,
          "SERVFAIL" + why + reason);
    }
    // A validating resolver answers SERVFAIL for data that fails validation (RFC 4035 section 5.5).
    // Without an Extended DNS Error to say otherwise, that is the likely cause.
    return DnsAnswer.failed(name, type, DnsAnswer.Outcome.ERROR, DnssecState.bogus,
        "SERVFAIL" + (why.isEmpty() ? " (DNSSEC validation failure?)" : why) + reason);
  }

  private static ExtendedErrorCodeOption extendedError(Message response) {
    OPTRecord opt = response.getOPT();
    if (opt == null) {
      return null;
    }
    for (EDNSOption option : opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR)) {
      if (option instanceof ExtendedErrorCodeOption ede) {
        return ede;
      }
    }
    return null;
  }

  /** ": " and the validator's explanation, to follow an rcode in a detail; "" without one. */
  private static String reason(Message response) {
    return validatorReason(response).map(s -> ": " + s).orElse("");
  }

  /** The validator's explanation, when dnsjava's ValidatingResolver left one in the additional section. */
  private static Optional<String> validatorReason(Message response) {
    return response.getSection(Section.ADDITIONAL).stream()
        .filter(r -> r.getType() == Type.TXT && r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS)
        .map(r -> TxtData.text((TXTRecord) r)).findFirst();
  }

  private static String presentation(Record record) {
    if (record instanceof TXTRecord txt) {
      return TxtData.text(txt);
    }
    if (record instanceof org.xbill.DNS.AAAARecord aaaa) {
      return AddressText.of(aaaa.getAddress());
    }
    return record.rdataToString();
  }
}
