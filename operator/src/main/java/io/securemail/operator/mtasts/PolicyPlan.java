package io.securemail.operator.mtasts;

import io.securemail.operator.api.MtaStsSpec;
import io.securemail.operator.api.MtaStsStatus;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomainSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which policy the server should serve now, given the spec, what is published, and the clock. Pure.
 *
 * <p>The ordering rules (RFC 8461 and the operator's invariant 2):
 * <ul>
 *   <li>A pattern that was in the published policy and has left the spec stays in the policy for the
 *       published max_age: senders that cached the old policy may still deliver to that host.
 *   <li>Mode {@code none} withdraws MTA-STS as section 8.3 says: a {@code none} policy is served under
 *       a new id until the previous max_age has passed, then nothing (the records go too). When no
 *       policy was ever published, {@code none} serves nothing.
 * </ul>
 *
 * @param target the policy to serve; null: serve none
 * @param published the published policy, as status recorded it (null: none)
 * @param previousWithdrawAt when a published {@code none} policy is due for removal
 */
public record PolicyPlan(PolicyDocument target, Published published, List<MtaStsStatus.RetiringMx> retiring,
    Instant previousWithdrawAt) {

  /** The policy senders may have cached: what status.mtaSts recorded as published. */
  public record Published(String id, MtaStsSpec.Mode mode, List<String> mx, long maxAge) {
    static Published from(MtaStsStatus status) {
      if (status == null || status.getPolicyId() == null || status.getMode() == null) {
        return null;
      }
      MtaStsSpec.Mode mode = MtaStsSpec.Mode.valueOf(status.getMode().toUpperCase());
      return new Published(status.getPolicyId(), mode, List.copyOf(status.getMx()),
          status.getMaxAge() == null ? 0 : status.getMaxAge());
    }

    static Published of(PolicyDocument policy) {
      return new Published(policy.id(), policy.mode(), policy.mx(), policy.maxAge());
    }
  }

  public static PolicyPlan of(SecureMailDomainSpec spec, MtaStsStatus previous, Instant now) {
    MtaStsSpec sts = spec.getMtaSts();
    List<String> patterns = patterns(spec);
    Published published = Published.from(previous);
    Instant withdrawAt = previous == null || previous.getWithdrawAt() == null ? null
        : Instant.parse(previous.getWithdrawAt());

    if (sts.getMode() == MtaStsSpec.Mode.NONE) {
      if (published == null) {
        return new PolicyPlan(null, null, List.of(), null);
      }
      if (published.mode() == MtaStsSpec.Mode.NONE && withdrawAt != null && !now.isBefore(withdrawAt)) {
        return new PolicyPlan(null, published, List.of(), withdrawAt);
      }
      // The 'none' policy carries the max_age of the policy it replaces: that is how long it must be
      // served, and later reconciles know it from the published policy alone.
      PolicyDocument none = published.mode() == MtaStsSpec.Mode.NONE
          ? PolicyDocument.of(MtaStsSpec.Mode.NONE, published.mx(), published.maxAge())
          : PolicyDocument.of(MtaStsSpec.Mode.NONE, patterns, published.maxAge());
      return new PolicyPlan(none, published, List.of(), withdrawAt);
    }

    List<MtaStsStatus.RetiringMx> wasRetiring = previous == null ? List.of() : previous.getRetiringMx();
    List<MtaStsStatus.RetiringMx> retiring = new ArrayList<>();
    // Entries whose time is up stay recorded while the published policy still lists them (the
    // policy without them is not served yet), so they do not start retiring again.
    wasRetiring.stream()
        .filter(r -> !patterns.contains(r.getPattern()) && (now.isBefore(Instant.parse(r.getUntil()))
            || published != null && published.mx().contains(r.getPattern())))
        .forEach(retiring::add);
    if (published != null && published.mode() != MtaStsSpec.Mode.NONE) {
      // A pattern starts retiring when it leaves the spec; one whose time is up leaves for good.
      Instant until = now.plusSeconds(published.maxAge());
      published.mx().stream()
          .filter(p -> !patterns.contains(p) && wasRetiring.stream().noneMatch(r -> r.getPattern().equals(p)))
          .forEach(p -> retiring.add(new MtaStsStatus.RetiringMx(p, until.toString())));
    }
    Set<String> listed = new LinkedHashSet<>(patterns);
    retiring.stream().filter(r -> now.isBefore(Instant.parse(r.getUntil()))).forEach(r -> listed.add(r.getPattern()));
    PolicyDocument target = PolicyDocument.of(sts.getMode(), List.copyOf(listed), sts.getMaxAge());
    return new PolicyPlan(target, published, List.copyOf(retiring), null);
  }

  /** The policy's mx patterns from the spec: its own patterns, or one per MX host. */
  static List<String> patterns(SecureMailDomainSpec spec) {
    List<String> own = spec.getMtaSts().getMxPatterns();
    List<String> patterns = own != null && !own.isEmpty() ? own
        : spec.getMx().stream().map(MxHost::getHost).toList();
    return patterns.stream().map(String::toLowerCase).distinct().sorted().toList();
  }

  /**
   * What is published once the server was observed: the target when the server serves exactly its
   * bytes, otherwise what was published before (the TXT id never announces a policy nobody serves).
   *
   * @param servedBody the body a sender-side fetch got, null when the fetch failed
   */
  public PolicyStep settle(String servedBody, String fetchFailure, Instant now) {
    boolean served = target != null && target.text().equals(servedBody);
    Published next = target == null ? null : served ? Published.of(target) : published;
    // The withdrawal clock starts when the 'none' policy's TXT record is seen (PolicyStep#withTxtObserved).
    Instant withdrawAt = next != null && next.mode() == MtaStsSpec.Mode.NONE && published != null
        && published.mode() == MtaStsSpec.Mode.NONE ? previousWithdrawAt : null;
    List<MtaStsStatus.RetiringMx> stillRetiring = retiring.stream()
        .filter(r -> now.isBefore(Instant.parse(r.getUntil())) || next != null && next.mx().contains(r.getPattern()))
        .toList();
    return new PolicyStep(target, next, served, fetchFailure, stillRetiring, withdrawAt);
  }
}
