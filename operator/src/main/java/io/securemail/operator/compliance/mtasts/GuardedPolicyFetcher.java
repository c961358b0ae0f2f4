package io.securemail.operator.compliance.mtasts;

import io.securemail.operator.compliance.net.TargetGuard;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * A policy fetcher that does not connect to the policy host at all while any of its addresses is
 * one the {@link TargetGuard} refuses: the fetch fails saying why, and no packet leaves.
 */
public final class GuardedPolicyFetcher implements PolicyFetcher {

  private final PolicyFetcher delegate;
  private final TargetGuard guard;

  public GuardedPolicyFetcher(PolicyFetcher delegate, TargetGuard guard) {
    this.delegate = delegate;
    this.guard = guard;
  }

  @Override
  public PolicyFetch fetch(String domain, List<InetAddress> addresses, int port) {
    Optional<String> refused = addresses.stream().map(guard::refusal).flatMap(Optional::stream).findFirst();
    if (refused.isPresent()) {
      return PolicyFetch.failed("https://mta-sts." + domain + (port == 443 ? "" : ":" + port)
          + "/.well-known/mta-sts.txt", "not fetched: " + refused.get());
    }
    return delegate.fetch(domain, addresses, port);
  }
}
