package io.securemail.operator.compliance.smtp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bouncycastle.tls.ProtocolVersion;

/**
 * Makes the weak TLS offers of one probe in as few handshakes as the answers allow, with the
 * answers each offer made alone would have got. Offers whose highest version is the same are made
 * together, in one ClientHello holding all their versions and suites; offers below TLS 1.2 (1.0 and
 * 1.1, which differ only in version) are made together too.
 *
 * <p>Why one handshake answers for several offers. A server picks the version from the highest one
 * the client offers (RFC 5246 appendix E.1: the highest it supports up to the client's), and then
 * one of the offered suites it accepts at that version, in its own order or the client's. So:
 *
 * <ul>
 *   <li>When the server refuses before choosing a suite (an alert or a closed connection in reply
 *       to the ClientHello, or a version the client did not offer), it accepts none of the suites
 *       at the version it would choose: every offer with the same highest version, whose versions
 *       and suites are a subset, is refused alone as well. A {@code protocol_version} alert says
 *       the server supports no version up to the highest offered, so offers with a lower highest
 *       version are refused too.
 *   <li>When the server chooses version V and suite S (its ServerHello, after which the probe ends
 *       the handshake; a completed handshake says the same), the offer that holds S and V is
 *       accepted, with exactly V and S: alone it leads to the same version and S is still the
 *       server's first choice among its suites (the joint list keeps each offer's order). Offers
 *       with the same highest version that do not include V are refused (alone, the server would
 *       choose V and the client would end the handshake). The others stay open for the next round.
 *   <li>Anything else (a failure after the server chose a suite, a conversation that did not get
 *       to the handshake, an answer no offer explains) says nothing certain about the offers still
 *       open: each is then made alone, as without joint offers.
 * </ul>
 *
 * A server that refuses every weak offer, as a well-configured one does, answers the TLS 1.0 and
 * 1.1 offers with one handshake and the suite offers with another, instead of one each.
 */
final class JointOffers {

  /** How one handshake went, as far as the joint offers need to know. */
  record Outcome(Kind kind, String version, String suite, boolean suiteChosen, boolean protocolVersionAlert,
      String detail) {

    static Outcome completed(String version, String suite) {
      return new Outcome(Kind.COMPLETED, version, suite, true, false, "");
    }

    static Outcome refused(boolean suiteChosen, boolean protocolVersionAlert, String detail) {
      return new Outcome(Kind.REFUSED, null, null, suiteChosen, protocolVersionAlert, detail);
    }

    static Outcome inconclusive(String detail) {
      return new Outcome(Kind.INCONCLUSIVE, null, null, false, false, detail);
    }
  }

  enum Kind {
    /** The handshake completed. */
    COMPLETED,
    /** The handshake failed. */
    REFUSED,
    /** The conversation did not get to the handshake. */
    INCONCLUSIVE
  }

  /** One handshake offering exactly these versions and suites, on a connection of its own. */
  @FunctionalInterface
  interface Handshake {
    Outcome offer(ProtocolVersion[] versions, int[] suites);
  }

  private JointOffers() {}

  /**
   * The attempts for {@code offers}, in their order, each as {@code alone} would have made it.
   *
   * @param alone one offer made on its own, as the probe makes it without joint offers
   */
  static List<TlsAttempt> attempts(List<TlsOffer> offers, Handshake handshake, Function<TlsOffer, TlsAttempt> alone) {
    Map<TlsOffer, TlsAttempt> found = new EnumMap<>(TlsOffer.class);
    Map<ProtocolVersion, List<TlsOffer>> groups = new LinkedHashMap<>();
    for (TlsOffer offer : offers) {
      groups.computeIfAbsent(group(offer), g -> new ArrayList<>()).add(offer);
    }
    for (List<TlsOffer> group : groups.values()) {
      resolve(group, handshake, alone, found);
    }
    return offers.stream().map(found::get).toList();
  }

  /** TLS 1.0 and 1.1 offers share a group; every other highest version is a group of its own. */
  private static ProtocolVersion group(TlsOffer offer) {
    ProtocolVersion top = offer.highest();
    return ProtocolVersion.TLSv11.isLaterVersionOf(top) ? ProtocolVersion.TLSv11 : top;
  }

  private static void resolve(List<TlsOffer> group, Handshake handshake, Function<TlsOffer, TlsAttempt> alone,
      Map<TlsOffer, TlsAttempt> found) {
    // The highest versions first, so that their suites lead the joint list.
    List<TlsOffer> open = new ArrayList<>(group);
    open.sort(Comparator.comparing(TlsOffer::highest, (a, b) -> a.isLaterVersionOf(b) ? -1 : b.isLaterVersionOf(a) ? 1 : 0));
    while (!open.isEmpty()) {
      if (open.size() == 1) {
        TlsOffer last = open.remove(0);
        found.put(last, alone.apply(last));
        return;
      }
      ProtocolVersion top = open.get(0).highest();
      List<Integer> suites = jointSuites(open);
      Outcome outcome = handshake.offer(jointVersions(open), suites.stream().mapToInt(Integer::intValue).toArray());
      if (outcome.kind() == Kind.COMPLETED) {
        TlsOffer chosenBy = explaining(open, suites, outcome.version(), outcome.suite());
        if (chosenBy == null) {
          break;
        }
        found.put(chosenBy, new TlsAttempt(chosenBy, TlsAttempt.Result.ACCEPTED,
            outcome.version() + " " + outcome.suite(), ""));
        open.remove(chosenBy);
        for (TlsOffer other : List.copyOf(open)) {
          if (other.highest().equals(top) && !offersVersion(other, outcome.version())) {
            found.put(other, new TlsAttempt(other, TlsAttempt.Result.REFUSED, null,
                "the server chose " + outcome.version() + ", which this offer does not include"));
            open.remove(other);
          }
        }
      } else if (outcome.kind() == Kind.REFUSED && !outcome.suiteChosen()) {
        for (TlsOffer other : List.copyOf(open)) {
          if (outcome.protocolVersionAlert() || other.highest().equals(top)) {
            found.put(other, new TlsAttempt(other, TlsAttempt.Result.REFUSED, null, outcome.detail()));
            open.remove(other);
          }
        }
      } else {
        break;
      }
    }
    for (TlsOffer offer : open) {
      found.put(offer, alone.apply(offer));
    }
  }

  /** Every version of the offers, the highest first. */
  private static ProtocolVersion[] jointVersions(List<TlsOffer> offers) {
    LinkedHashSet<ProtocolVersion> versions = new LinkedHashSet<>();
    offers.forEach(o -> versions.addAll(Arrays.asList(o.versions())));
    return versions.stream().sorted((a, b) -> a.isLaterVersionOf(b) ? -1 : b.isLaterVersionOf(a) ? 1 : 0)
        .toArray(ProtocolVersion[]::new);
  }

  /** The offers' suites, offer after offer, each suite where it first appears. */
  private static List<Integer> jointSuites(List<TlsOffer> offers) {
    LinkedHashSet<Integer> suites = new LinkedHashSet<>();
    offers.forEach(o -> Arrays.stream(o.suites()).forEach(suites::add));
    return List.copyOf(suites);
  }

  /**
   * The first open offer that holds the negotiated version and suite and would have got exactly that
   * suite alone: every suite it lists before this one comes before it in the joint list too (so a
   * server going by the client's order passed over them here as well). Null when none does.
   */
  private static TlsOffer explaining(List<TlsOffer> open, List<Integer> joint, String version, String suite) {
    for (TlsOffer offer : open) {
      if (!offersVersion(offer, version)) {
        continue;
      }
      int[] own = offer.suites();
      int at = -1;
      for (int i = 0; i < own.length; i++) {
        if (CipherSuites.name(own[i]).equals(suite)) {
          at = i;
          break;
        }
      }
      if (at < 0) {
        continue;
      }
      int jointAt = joint.indexOf(own[at]);
      boolean sameOrder = true;
      for (int i = 0; i < at; i++) {
        sameOrder &= joint.indexOf(own[i]) < jointAt;
      }
      if (sameOrder) {
        return offer;
      }
    }
    return null;
  }

  private static boolean offersVersion(TlsOffer offer, String version) {
    return Arrays.stream(offer.versions()).anyMatch(v -> BcTlsHandshake.versionName(v).equals(version));
  }
}
