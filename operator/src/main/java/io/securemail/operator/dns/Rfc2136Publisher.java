package io.securemail.operator.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import io.securemail.operator.compliance.net.TargetGuard;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Publishes a domain's records to an authoritative server with RFC 2136 dynamic updates signed
 * with TSIG. Reads what the server serves first and sends an UPDATE only for the difference, so an
 * unchanged domain costs no update. Changes only records it owns: deletes name the exact RR
 * (RFC 2136 section 2.5.4), never a whole RRset, and every update carries a prerequisite on the
 * domain's ownership record (section 2.4), so two owners cannot interleave.
 */
public final class Rfc2136Publisher {

  private final Duration timeout;
  private final TargetGuard guard;

  /** @param guard the ranges the operator does not connect to, checked on the address each UPDATE goes to */
  public Rfc2136Publisher(Duration timeout, TargetGuard guard) {
    this.timeout = timeout;
    this.guard = guard;
  }

  /**
   * @param ledger records published (owned) by this domain, its ownership record included
   * @param conflicts desired records not published because a foreign record of the same kind is there
   * @param updatesSent UPDATE messages sent (0 when the server already serves the desired set)
   */
  public record Outcome(List<DnsRecord> ledger, List<DnsRecord> conflicts, int updatesSent) {}

  public Outcome publish(Rfc2136Target target, List<DnsRecord> desired, List<DnsRecord> ledger, DnsRecord ownership)
      throws DnsFailure {
    SimpleResolver resolver = resolver(target);
    checkZone(resolver, target);
    ServedRecords served = ServedRecords.query(resolver, concat(desired, ledger, List.of(ownership)), target, this::send);
    boolean claim = claimNeeded(served, ownership, ledger);
    // An ownership record of ours under an earlier owner id (the ledger lists it): the claim replaces it.
    DnsRecord earlierOwnership = claim ? ledgerOwnership(served, ownership, ledger) : null;
    if (claim && earlierOwnership == null && !served.at(ownership).isEmpty()) {
      // The claim's prerequisite is "no TXT RRset here" (RFC 2136 section 2.4.3): any other TXT
      // record at the name would make every claim fail with YXRRSET, for ever. Say which instead.
      throw new DnsFailure(DnsFailure.Reason.DnsOwnedElsewhere, ownership.name() + " holds TXT records that are no "
          + "ownership record (" + String.join("; ", served.at(ownership).stream().map(DnsRecord::value).toList())
          + "); the name is reserved for the operator's ownership record: remove them to let this resource claim "
          + "the domain");
    }

    List<DnsRecord> adds = new ArrayList<>();
    List<DnsRecord> deletes = new ArrayList<>();
    List<DnsRecord> conflicts = new ArrayList<>();
    List<DnsRecord> newLedger = new ArrayList<>();
    for (DnsRecord want : desired) {
      List<DnsRecord> there = served.at(want);
      DnsRecord foreign = RecordTags.conflicting(want, there, ledger);
      if (foreign != null) {
        conflicts.add(foreign);
        continue;
      }
      DnsRecord same = there.stream().filter(s -> DnsjavaRecords.sameData(s, want)).findFirst().orElse(null);
      // While our ownership record stands, a served record identical to a desired one is ours: an
      // UPDATE whose status write was lost (a crash, a wiped status) published it. Adopting it keeps
      // it from being orphaned; before the claim, an identical record is someone else's.
      boolean owned = !claim || ledger.stream().anyMatch(l -> DnsjavaRecords.sameData(l, want));
      if (same == null) {
        adds.add(want);
        newLedger.add(want);
      } else if (owned) {
        if (same.ttl() != want.ttl()) {
          deletes.add(same); // delete + add in one update replaces the TTL (RFC 2136 section 3.4.2)
          adds.add(want);
        }
        newLedger.add(want);
      }
    }
    for (DnsRecord old : ledger) {
      boolean stillWanted = DnsjavaRecords.sameData(old, ownership)
          || desired.stream().anyMatch(d -> DnsjavaRecords.sameData(d, old));
      if (!stillWanted && served.at(old).stream().anyMatch(s -> DnsjavaRecords.sameData(s, old))) {
        deletes.add(old);
      }
    }
    if (!claim) {
      deletes.addAll(staleTlsa(served, desired, ledger));
    }
    // The ownership record is ours too: listed in the ledger, it is withdrawn with the rest.
    newLedger.add(ownership);
    if (!claim && adds.isEmpty() && deletes.isEmpty()) {
      return new Outcome(newLedger, conflicts, 0);
    }
    Update update = new Update(target.zone());
    if (claim && earlierOwnership != null) {
      update.present(prerequisite(earlierOwnership)); // section 2.4.2; the ledger loop above deletes it
      update.add(DnsjavaRecords.toRecord(ownership));
    } else if (claim) {
      update.absent(DnsjavaRecords.name(ownership.name()), Type.TXT); // RFC 2136 section 2.4.3
      update.add(DnsjavaRecords.toRecord(ownership));
    } else {
      update.present(prerequisite(ownership)); // section 2.4.2: value-dependent RRset exists
    }
    deletes.forEach(d -> update.delete(DnsjavaRecords.toRecord(d)));
    adds.forEach(a -> update.add(DnsjavaRecords.toRecord(a)));
    try {
      send(resolver, update, target);
    } catch (DnsFailure lost) {
      // No answer is not "not applied": the server may have applied the UPDATE and the answer been
      // lost. An UPDATE is applied atomically or not at all (RFC 2136 section 3.7), so the zone
      // itself says which; only when it shows the change not applied is this a failure.
      if (lost.reason() != DnsFailure.Reason.DnsServerUnreachable
          || !applied(resolver, target, adds, deletes, ownership)) {
        throw lost;
      }
    }
    return new Outcome(newLedger, conflicts, 1);
  }

  /**
   * Whether the zone serves the outcome of an UPDATE: every added record and the ownership record
   * present, every deleted one absent (unless added back, as a TTL change does). A server that
   * cannot be asked either leaves the question open: false.
   */
  private boolean applied(SimpleResolver resolver, Rfc2136Target target, List<DnsRecord> adds,
      List<DnsRecord> deletes, DnsRecord ownership) {
    ServedRecords served;
    try {
      served = ServedRecords.query(resolver, concat(adds, deletes, List.of(ownership)), target, this::send);
    } catch (DnsFailure stillUnreachable) {
      return false;
    }
    for (DnsRecord add : concat(adds, List.of(ownership))) {
      if (served.at(add).stream().noneMatch(s -> DnsjavaRecords.sameData(s, add) && s.ttl() == add.ttl())) {
        return false;
      }
    }
    for (DnsRecord delete : deletes) {
      boolean readded = adds.stream().anyMatch(a -> DnsjavaRecords.sameData(a, delete));
      if (!readded && served.at(delete).stream().anyMatch(s -> DnsjavaRecords.sameData(s, delete))) {
        return false;
      }
    }
    return true;
  }

  /**
   * DANE-EE SPKI records (3 1 1, the only kind the operator publishes) at a TLSA name where the
   * ledger lists no TLSA record but the rollover wants some: records of a key the operator
   * published before it lost its ledger (a wiped status) and no longer wants. They go, so a retired
   * or compromised key's TLSA never stays published. The rollover wants TLSA records only once
   * every probed MX serves its serving key, so no MX relies on them (RFC 7672 section 8.1); other
   * usages (a trust anchor someone pinned) are left alone.
   */
  private static List<DnsRecord> staleTlsa(ServedRecords served, List<DnsRecord> desired, List<DnsRecord> ledger) {
    List<DnsRecord> stale = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (DnsRecord want : desired) {
      if ("TLSA".equals(want.type()) && names.add(want.name().toLowerCase())) {
        boolean tracked = ledger.stream().anyMatch(l -> "TLSA".equals(l.type()) && l.name().equalsIgnoreCase(want.name()));
        if (tracked) {
          continue;
        }
        for (DnsRecord there : served.at(want)) {
          boolean wanted = desired.stream().anyMatch(d -> DnsjavaRecords.sameData(d, there));
          if (!wanted && there.value().trim().startsWith("3 1 1 ")) {
            stale.add(there);
          }
        }
      }
    }
    return stale;
  }

  /** Removes every ledger record still served, and the ownership record. */
  public int withdraw(Rfc2136Target target, List<DnsRecord> ledger, DnsRecord ownership) throws DnsFailure {
    SimpleResolver resolver = resolver(target);
    checkZone(resolver, target);
    ServedRecords served = ServedRecords.query(resolver, concat(ledger, List.of(ownership)), target, this::send);
    claimNeeded(served, ownership, ledger); // fails when another owner holds the domain
    boolean owner = served.at(ownership).stream().anyMatch(s -> DnsjavaRecords.sameData(s, ownership));
    DnsRecord earlierOwnership = owner ? null : ledgerOwnership(served, ownership, ledger);
    Update update = new Update(target.zone());
    if (owner) {
      update.present(prerequisite(ownership));
    } else if (earlierOwnership != null) {
      update.present(prerequisite(earlierOwnership));
    }
    int deletes = 0;
    for (DnsRecord old : ledger) {
      boolean isOwnership = DnsjavaRecords.sameData(old, ownership); // deleted last, below
      if (!isOwnership && served.at(old).stream().anyMatch(s -> DnsjavaRecords.sameData(s, old))) {
        update.delete(DnsjavaRecords.toRecord(old));
        deletes++;
      }
    }
    if (owner) {
      update.delete(DnsjavaRecords.toRecord(ownership));
      deletes++;
    }
    if (deletes == 0) {
      return 0;
    }
    send(resolver, update, target);
    return 1;
  }

  /** RFC 2136 section 2.4.2: a value-dependent prerequisite RR carries TTL 0 (servers answer FORMERR otherwise). */
  private static Record prerequisite(DnsRecord record) {
    return DnsjavaRecords.toRecord(new DnsRecord(record.name(), record.type(), record.value(), 0));
  }

  /**
   * Whether the ownership record must still be claimed. An ownership record the ledger lists is
   * ours whatever owner id it names (one published before the owner id changed); any other names
   * another owner, and nothing is published while it stands.
   */
  private static boolean claimNeeded(ServedRecords served, DnsRecord ownership, List<DnsRecord> ledger)
      throws DnsFailure {
    List<DnsRecord> there = served.at(ownership);
    if (there.stream().anyMatch(s -> DnsjavaRecords.sameData(s, ownership))) {
      return false;
    }
    for (DnsRecord other : there) {
      boolean ours = ledger.stream().anyMatch(l -> DnsjavaRecords.sameData(l, other));
      if (!ours && other.value().contains(DesiredRecords.HERITAGE)) {
        throw new DnsFailure(DnsFailure.Reason.DnsOwnedElsewhere, ownership.name() + " says the domain is managed by "
            + other.value() + "; this resource publishes nothing while that is so");
      }
    }
    return true;
  }

  /** A served ownership record the ledger lists that is not {@code ownership} itself (an earlier owner id). */
  private static DnsRecord ledgerOwnership(ServedRecords served, DnsRecord ownership, List<DnsRecord> ledger) {
    return served.at(ownership).stream()
        .filter(s -> s.value().contains(DesiredRecords.HERITAGE) && !DnsjavaRecords.sameData(s, ownership))
        .filter(s -> ledger.stream().anyMatch(l -> DnsjavaRecords.sameData(l, s)))
        .findFirst().orElse(null);
  }

  private SimpleResolver resolver(Rfc2136Target target) throws DnsFailure {
    try {
      InetAddress address = InetAddress.getByName(target.server().getHostString());
      // Here, where the connection is made: the server may be the spec's or, for a withdrawal, the
      // one status.publishedTo names.
      Optional<String> refused = guard.refusal(address);
      if (refused.isPresent()) {
        throw new DnsFailure(DnsFailure.Reason.DnsServerNotAllowed, "DNS server " + target.server().getHostString()
            + ": " + refused.get());
      }
      SimpleResolver resolver = new SimpleResolver(address);
      resolver.setPort(target.server().getPort());
      resolver.setTCP(true);
      resolver.setTimeout(timeout);
      resolver.setTSIGKey(target.tsig());
      return resolver;
    } catch (UnknownHostException e) {
      throw new DnsFailure(DnsFailure.Reason.DnsServerUnreachable,
          "cannot resolve DNS server " + target.server().getHostString(), e);
    }
  }

  private void checkZone(SimpleResolver resolver, Rfc2136Target target) throws DnsFailure {
    Message response = send(resolver, Message.newQuery(Record.newRecord(target.zone(), Type.SOA, 1)), target);
    boolean authoritative = response.getHeader().getFlag(Flags.AA)
        && response.getSection(Section.ANSWER).stream().anyMatch(r -> r.getType() == Type.SOA);
    if (!authoritative) {
      throw new DnsFailure(DnsFailure.Reason.ZoneNotFound, target.server().getHostString() + ":"
          + target.server().getPort() + " is not authoritative for zone " + target.zone()
          + " (SOA query answered " + Rcode.string(response.getRcode()) + ")");
    }
  }

  /** Sends a query or update and maps every failure to a specific reason. */
  Message send(SimpleResolver resolver, Message message, Rfc2136Target target) throws DnsFailure {
    Message response;
    try {
      response = resolver.send(message);
    } catch (IOException e) {
      throw new DnsFailure(DnsFailure.Reason.DnsServerUnreachable, "no answer from " + target.server().getHostString()
          + ":" + target.server().getPort() + " (" + e.getMessage() + ")", e);
    }
    int rcode = response.getRcode();
    TSIGRecord tsig = response.getTSIG();
    if (tsig != null && tsig.getError() != Rcode.NOERROR) {
      throw new DnsFailure(DnsFailure.Reason.TsigRejected, "the server rejected TSIG key " + target.keyName()
          + ": " + Rcode.TSIGstring(tsig.getError()) + " (check the key name, algorithm and secret)");
    }
    boolean isUpdate = message.getHeader().getOpcode() == org.xbill.DNS.Opcode.UPDATE;
    if (rcode == Rcode.NOERROR || (!isUpdate && rcode == Rcode.NXDOMAIN)) {
      return response;
    }
    String what = (isUpdate ? "update of zone " : "query in zone ") + target.zone() + " answered " + Rcode.string(rcode);
    if (!isUpdate && rcode == Rcode.REFUSED) {
      // A server refuses queries for zones it does not serve (RFC 1035 section 4.1.1).
      throw new DnsFailure(DnsFailure.Reason.ZoneNotFound, what + ": the server does not serve this zone");
    }
    throw switch (rcode) {
      case Rcode.NOTAUTH, Rcode.NOTZONE -> new DnsFailure(DnsFailure.Reason.ZoneNotFound, what);
      case Rcode.REFUSED -> new DnsFailure(DnsFailure.Reason.UpdateRefused, what + isUpdateHint(isUpdate));
      case Rcode.YXRRSET, Rcode.NXRRSET, Rcode.YXDOMAIN, Rcode.NXDOMAIN -> new DnsFailure(
          DnsFailure.Reason.DnsOwnedElsewhere, what + ": the ownership record changed under us; will look again");
      default -> new DnsFailure(DnsFailure.Reason.UpdateFailed, what);
    };
  }

  private static String isUpdateHint(boolean isUpdate) {
    return isUpdate ? " (the key may not be allowed to update these names, or the server's own zone checks"
        + " rejected the change, e.g. BIND's check-integrity refuses an MX whose in-zone target has no address)" : "";
  }

  @SafeVarargs
  private static List<DnsRecord> concat(List<DnsRecord>... lists) {
    Set<DnsRecord> all = new LinkedHashSet<>();
    for (List<DnsRecord> list : lists) {
      all.addAll(list);
    }
    return new ArrayList<>(all);
  }

  /** What the server serves at each (name, type) of interest. */
  record ServedRecords(Map<String, List<DnsRecord>> byKey) {

    interface Sender {
      Message send(SimpleResolver resolver, Message message, Rfc2136Target target) throws DnsFailure;
    }

    static ServedRecords query(SimpleResolver resolver, List<DnsRecord> of, Rfc2136Target target, Sender sender)
        throws DnsFailure {
      Map<String, List<DnsRecord>> byKey = new HashMap<>();
      for (DnsRecord record : of) {
        String key = key(record);
        if (byKey.containsKey(key)) {
          continue;
        }
        Name name = DnsjavaRecords.name(record.name());
        int type = Type.value(record.type());
        Message response = sender.send(resolver, Message.newQuery(Record.newRecord(name, type, 1)), target);
        byKey.put(key, response.getSection(Section.ANSWER).stream()
            .filter(r -> r.getType() == type && r.getName().equals(name))
            .map(DnsjavaRecords::fromRecord).toList());
      }
      return new ServedRecords(byKey);
    }

    List<DnsRecord> at(DnsRecord record) {
      return Objects.requireNonNullElse(byKey.get(key(record)), List.of());
    }

    private static String key(DnsRecord record) {
      return record.name().toLowerCase() + " " + record.type();
    }
  }
}
