package io.securemail.operator.compliance.smtp;

import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.net.AddressText;
import io.securemail.operator.compliance.net.TargetGuard;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * An SMTP probe that does not connect to an address its {@link TargetGuard} refuses: the answer
 * says why instead, and no packet leaves. The operator's own MTA Pods, whose addresses come from
 * the API server and not from a tenant's DNS, pass through ({@link #probeBackend}).
 */
public final class GuardedSmtpProbe implements SmtpProbe {

  private final SmtpProbe delegate;
  private final TargetGuard guard;

  public GuardedSmtpProbe(SmtpProbe delegate, TargetGuard guard) {
    this.delegate = delegate;
    this.guard = guard;
  }

  @Override
  public SmtpObservation probe(String mxHost, InetAddress address, int port) {
    return refused(mxHost, address, port).orElseGet(() -> delegate.probe(mxHost, address, port));
  }

  @Override
  public SmtpObservation probe(String mxHost, InetAddress address, int port, Profile profile) {
    return refused(mxHost, address, port).orElseGet(() -> delegate.probe(mxHost, address, port, profile));
  }

  @Override
  public SmtpObservation probeBackend(String mxHost, InetAddress address, int port) {
    return delegate.probe(mxHost, address, port);
  }

  @Override
  public Optional<SmtpObservation> lastAnswer(String mxHost, InetAddress address, int port) {
    return delegate.lastAnswer(mxHost, address, port);
  }

  private Optional<SmtpObservation> refused(String mxHost, InetAddress address, int port) {
    return guard.refusal(address).map(why -> new SmtpObservation(mxHost, AddressText.of(address), port,
        SmtpObservation.Outcome.UNREACHABLE, null, null, List.of(), "not probed: " + why));
  }
}
