package io.securemail.operator.compliance.net;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Whether the operator may connect to an address it found through DNS a tenant controls (an MX
 * host's, the policy host's, the RFC 2136 server's). Addresses outside the public internet
 * ({@link AddressRanges}) are refused unless the operator's settings allow them: otherwise a
 * {@code SecureMailDomain} would be a port scanner for the cluster's network whose findings come
 * back in its status. A lab, or a cluster whose mail servers really live on private addresses,
 * turns them on with {@value #PROPERTY}.
 */
public final class TargetGuard {

  /** The setting that lets the operator connect to private, loopback and link-local addresses. */
  public static final String PROPERTY = "securemail.network.allow-private-targets";

  private static final TargetGuard ALLOWING = new TargetGuard(true);
  private static final TargetGuard REFUSING = new TargetGuard(false);

  private final boolean allowPrivate;

  private TargetGuard(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  /** @param allowPrivate whether addresses outside the public internet may be connected to */
  public static TargetGuard of(boolean allowPrivate) {
    return allowPrivate ? ALLOWING : REFUSING;
  }

  /** Lets every address through: the {@code check} command, and tests. */
  public static TargetGuard allowingAll() {
    return ALLOWING;
  }

  /** Whether any address is refused (false when private targets are allowed). */
  public boolean refuses() {
    return !allowPrivate;
  }

  /** Why {@code address} may not be connected to ("10.0.0.5 is not a public address (private, RFC 1918); ..."); empty if it may. */
  public Optional<String> refusal(InetAddress address) {
    if (allowPrivate) {
      return Optional.empty();
    }
    return AddressRanges.special(address).map(range -> AddressText.of(address) + " is not a public address ("
        + range + "); the operator connects to such addresses only when " + PROPERTY + " is true");
  }
}
