package io.securemail.operator.compliance.dns;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.security.interfaces.ECPublicKey;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;

/**
 * The resolver under dnsjava's validator: passes every query on to the upstream resolver, except a
 * query the probe has already sent and holds the response to, which it answers with that response.
 * So the validator validates exactly the response the probe fingerprinted
 * ({@link ResponseFingerprint}), and the question costs one round trip, not two. A held response is
 * matched by the query's id and question (the validator sends a copy of the probe's query, id
 * included, with the CD bit set) and handed over once.
 *
 * <p>Every ECDSA DNSKEY record handed to the validator carries its key as a {@link RememberingEcKey}
 * (the record's data unchanged, byte for byte), so that signatures it verified are remembered in
 * {@link VerifiedSignatures} ({@link SignatureMemory}).
 */
final class HandingResolver implements Resolver {

  private record Pending(int id, Record question) {}

  private final Resolver upstream;
  private final VerifiedSignatures verified;
  private final Map<Pending, Message> held = new ConcurrentHashMap<>();

  HandingResolver(Resolver upstream, VerifiedSignatures verified) {
    this.upstream = upstream;
    this.verified = verified;
    SignatureMemory.install();
  }

  /** Sends a query upstream, as the validator would. */
  CompletionStage<Message> fetch(Message query) {
    return upstream.sendAsync(query);
  }

  /**
   * Holds {@code response} for the next query with {@code query}'s id and question; false when one
   * is held for that already (a concurrent lookup drew the same id), and then nothing is held.
   */
  boolean hold(Message query, Message response) {
    return held.putIfAbsent(new Pending(query.getHeader().getID(), query.getQuestion()), response) == null;
  }

  /** Stops holding the response for {@code query}; true when it had been handed to the validator. */
  boolean release(Message query, Message response) {
    return !held.remove(new Pending(query.getHeader().getID(), query.getQuestion()), response);
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query, Executor executor) {
    Message response = held.remove(new Pending(query.getHeader().getID(), query.getQuestion()));
    if (response != null) {
      return CompletableFuture.completedFuture(rememberingKeys(response.clone()));
    }
    return upstream.sendAsync(query, executor).thenApply(this::rememberingKeys);
  }

  /** The response with each ECDSA DNSKEY's key wrapped; the same records otherwise. */
  private Message rememberingKeys(Message response) {
    List<Record> keys = response.getSection(Section.ANSWER).stream()
        .filter(r -> r instanceof DNSKEYRecord key && (key.getAlgorithm() == DNSSEC.Algorithm.ECDSAP256SHA256
            || key.getAlgorithm() == DNSSEC.Algorithm.ECDSAP384SHA384))
        .toList();
    if (keys.isEmpty()) {
      return response;
    }
    Message copy = response.clone();
    for (Record record : keys) {
      DNSKEYRecord key = (DNSKEYRecord) record;
      try {
        if (!(key.getPublicKey() instanceof ECPublicKey ec)) {
          continue;
        }
        DNSKEYRecord remembering = new DNSKEYRecord(key.getName(), key.getDClass(), key.getTTL(), key.getFlags(),
            key.getProtocol(), key.getAlgorithm(), new RememberingEcKey(ec, verified));
        if (!java.util.Arrays.equals(remembering.rdataToWireCanonical(), key.rdataToWireCanonical())) {
          continue; // not the same key data after all: leave the record as it came
        }
        copy.removeRecord(key, Section.ANSWER);
        copy.addRecord(remembering, Section.ANSWER);
      } catch (DNSSEC.DNSSECException e) {
        // A key dnsjava cannot read stays as it came; the validator judges it.
      }
    }
    return copy;
  }

  @Override
  public void setPort(int port) {
    upstream.setPort(port);
  }

  @Override
  public void setTCP(boolean flag) {
    upstream.setTCP(flag);
  }

  @Override
  public void setIgnoreTruncation(boolean flag) {
    upstream.setIgnoreTruncation(flag);
  }

  @Override
  public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
    upstream.setEDNS(version, payloadSize, flags, options);
  }

  @Override
  public void setTSIGKey(TSIG key) {
    upstream.setTSIGKey(key);
  }

  @Override
  public void setTimeout(Duration timeout) {
    upstream.setTimeout(timeout);
  }

  @Override
  public Duration getTimeout() {
    return upstream.getTimeout();
  }
}
