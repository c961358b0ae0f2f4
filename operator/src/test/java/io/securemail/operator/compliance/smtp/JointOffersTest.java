package io.securemail.operator.compliance.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.Profile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsUtils;
import org.junit.jupiter.api.Test;

/**
 * Joint offers against model servers that negotiate as RFC 5246 appendix E.1 says: for every
 * server, the attempts are those of each offer made alone, and never more handshakes than that.
 */
class JointOffersTest {

  /**
   * A server: the versions it supports, the suites it accepts (at any version the suite is defined
   * for), and whether it picks by its own fixed order (here: the highest suite code) or the client's.
   */
  private record Server(Set<ProtocolVersion> versions, Set<Integer> suites, boolean ownOrder) {

    JointOffers.Outcome handshake(ProtocolVersion[] offeredVersions, int[] offeredSuites) {
      ProtocolVersion clientMax = Arrays.stream(offeredVersions).reduce((a, b) -> a.isLaterVersionOf(b) ? a : b)
          .orElseThrow();
      ProtocolVersion chosen = versions.stream().filter(v -> !v.isLaterVersionOf(clientMax))
          .reduce((a, b) -> a.isLaterVersionOf(b) ? a : b).orElse(null);
      if (chosen == null) {
        return JointOffers.Outcome.refused(false, true, "the server sent the alert protocol_version");
      }
      List<Integer> acceptable = Arrays.stream(offeredSuites).boxed()
          .filter(s -> suites.contains(s) && TlsUtils.isValidVersionForCipherSuite(s, chosen))
          .collect(Collectors.toCollection(ArrayList::new));
      if (acceptable.isEmpty()) {
        return JointOffers.Outcome.refused(false, false, "the server sent the alert handshake_failure");
      }
      int suite = ownOrder ? acceptable.stream().max(Integer::compare).orElseThrow() : acceptable.get(0);
      if (Arrays.stream(offeredVersions).noneMatch(chosen::equals)) {
        // The client ends the handshake: the server chose a version it did not offer.
        return JointOffers.Outcome.refused(false, false, "the handshake was aborted (protocol_version)");
      }
      return JointOffers.Outcome.completed(BcTlsHandshake.versionName(chosen), CipherSuites.name(suite));
    }

    TlsAttempt alone(TlsOffer offer) {
      JointOffers.Outcome outcome = handshake(offer.versions(), offer.suites());
      return outcome.kind() == JointOffers.Kind.COMPLETED
          ? new TlsAttempt(offer, TlsAttempt.Result.ACCEPTED, outcome.version() + " " + outcome.suite(), "")
          : new TlsAttempt(offer, TlsAttempt.Result.REFUSED, null, outcome.detail());
    }
  }

  private static final List<Set<ProtocolVersion>> VERSIONS = List.of(
      Set.of(ProtocolVersion.TLSv12, ProtocolVersion.TLSv13),
      Set.of(ProtocolVersion.TLSv13),
      Set.of(ProtocolVersion.TLSv10, ProtocolVersion.TLSv11, ProtocolVersion.TLSv12, ProtocolVersion.TLSv13),
      Set.of(ProtocolVersion.TLSv10, ProtocolVersion.TLSv11, ProtocolVersion.TLSv12),
      Set.of(ProtocolVersion.TLSv11, ProtocolVersion.TLSv12),
      Set.of(ProtocolVersion.TLSv10, ProtocolVersion.TLSv12),
      Set.of(ProtocolVersion.TLSv10));

  private static final int[] AEAD = {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
      CipherSuite.TLS_AES_128_GCM_SHA256};

  /** Suite sets: modern only, plus each weak group, plus a few mixes. */
  private static List<Set<Integer>> suiteSets() {
    List<Set<Integer>> sets = new ArrayList<>();
    Set<Integer> modern = IntStream.of(AEAD).boxed().collect(Collectors.toSet());
    sets.add(modern);
    for (TlsOffer offer : TlsOffer.values()) {
      Set<Integer> with = new java.util.HashSet<>(modern);
      IntStream.of(offer.suites()).forEach(with::add);
      sets.add(with);
    }
    sets.add(Set.of(CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_DH_anon_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, CipherSuite.TLS_AES_128_GCM_SHA256));
    sets.add(Set.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8));
    Set<Integer> everything = new java.util.HashSet<>();
    for (TlsOffer offer : TlsOffer.values()) {
      IntStream.of(offer.suites()).forEach(everything::add);
    }
    sets.add(everything);
    return sets;
  }

  @Test
  void everyServerGetsTheAttemptsOfEachOfferAloneInNoMoreHandshakes() {
    int servers = 0;
    for (Profile profile : Profile.values()) {
      List<TlsOffer> offers = TlsOffer.probesFor(profile);
      for (Set<ProtocolVersion> versions : VERSIONS) {
        for (Set<Integer> suites : suiteSets()) {
          for (boolean ownOrder : new boolean[] {false, true}) {
            Server server = new Server(versions, suites, ownOrder);
            AtomicInteger handshakes = new AtomicInteger();
            List<TlsAttempt> joint = JointOffers.attempts(offers, (v, s) -> {
              handshakes.incrementAndGet();
              return server.handshake(v, s);
            }, offer -> {
              handshakes.incrementAndGet();
              return server.alone(offer);
            });
            List<TlsAttempt> alone = offers.stream().map(server::alone).toList();
            assertThat(summary(joint)).as("%s %s", profile, server).isEqualTo(summary(alone));
            assertThat(handshakes.get()).as("%s %s", profile, server).isLessThanOrEqualTo(offers.size());
            servers++;
          }
        }
      }
    }
    assertThat(servers).isGreaterThan(100);
  }

  @Test
  void aServerRefusingEveryWeakOfferIsAskedTwiceUnderRfcAndThreeTimesUnderBsi() {
    Server modern = new Server(Set.of(ProtocolVersion.TLSv12, ProtocolVersion.TLSv13),
        IntStream.of(AEAD).boxed().collect(Collectors.toSet()), false);
    for (Profile profile : Profile.values()) {
      AtomicInteger handshakes = new AtomicInteger();
      List<TlsAttempt> attempts = JointOffers.attempts(TlsOffer.probesFor(profile), (v, s) -> {
        handshakes.incrementAndGet();
        return modern.handshake(v, s);
      }, offer -> {
        handshakes.incrementAndGet();
        return modern.alone(offer);
      });
      assertThat(attempts).extracting(TlsAttempt::result).containsOnly(TlsAttempt.Result.REFUSED);
      // TLS 1.0 and 1.1 together, the TLS 1.2 suite groups together; TLS 1.3's own offer (bsi) alone.
      assertThat(handshakes.get()).as(profile.toString()).isEqualTo(profile == Profile.RFC ? 2 : 3);
    }
  }

  @Test
  void aHandshakeThatFailsAfterTheServerChoseFallsBackToEachOfferAlone() {
    List<TlsOffer> offers = TlsOffer.probesFor(Profile.RFC);
    List<String> made = new ArrayList<>();
    List<TlsAttempt> attempts = JointOffers.attempts(offers, (v, s) -> {
      made.add("joint");
      return JointOffers.Outcome.refused(true, false, "the handshake was aborted (bad_certificate)");
    }, offer -> {
      made.add(offer.name());
      return new TlsAttempt(offer, TlsAttempt.Result.INCONCLUSIVE, null, "alone");
    });
    assertThat(attempts).extracting(TlsAttempt::offer).containsExactlyElementsOf(offers);
    assertThat(attempts).extracting(TlsAttempt::detail).containsOnly("alone");
    assertThat(made).containsExactlyInAnyOrder("joint", "joint", "TLS_1_0", "TLS_1_1", "STATIC_RSA", "CBC",
        "ANONYMOUS");
  }

  private static List<String> summary(List<TlsAttempt> attempts) {
    return attempts.stream().map(a -> a.offer() + " " + a.result() + " " + a.negotiated()).toList();
  }
}
