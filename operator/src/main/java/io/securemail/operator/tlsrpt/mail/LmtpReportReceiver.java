package io.securemail.operator.tlsrpt.mail;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.securemail.operator.tlsrpt.ReportIntake;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The operator's receiver of TLS report mail (RFC 8460 section 3, the mailto: transport): the MTAs
 * the operator runs hand mail for the domains' report addresses to it over LMTP on a
 * cluster-internal port, and it hands each report to the {@link ReportIntake}. Off unless
 * securemail.tlsrpt.lmtp.enabled (the Helm chart's operator.tlsReports.mail.enabled).
 */
@ApplicationScoped
public class LmtpReportReceiver {

  private static final Logger LOG = Logger.getLogger(LmtpReportReceiver.class);

  private final boolean enabled;
  private final int port;
  private final LmtpLimits limits;
  private final Instance<ReportIntake> intake;
  private LmtpServer server;

  @Inject
  public LmtpReportReceiver(Instance<ReportIntake> intake,
      @ConfigProperty(name = "securemail.tlsrpt.lmtp.enabled", defaultValue = "false") boolean enabled,
      @ConfigProperty(name = "securemail.tlsrpt.lmtp.port", defaultValue = "2424") int port,
      @ConfigProperty(name = "securemail.tlsrpt.lmtp.max-message-size", defaultValue = "2097152") int maxMessage,
      @ConfigProperty(name = "securemail.tlsrpt.lmtp.max-connections", defaultValue = "16") int maxConnections,
      @ConfigProperty(name = "securemail.tlsrpt.lmtp.connection-deadline", defaultValue = "2m") Duration deadline) {
    this.intake = intake;
    this.enabled = enabled;
    this.port = port;
    LmtpLimits d = LmtpLimits.DEFAULT;
    this.limits = new LmtpLimits(d.maxLineBytes(), maxMessage, d.maxRecipients(), d.maxReportParts(),
        d.idleTimeout().compareTo(deadline) < 0 ? d.idleTimeout() : deadline, deadline, maxConnections);
  }

  void onStart(@Observes StartupEvent event) {
    if (!enabled) {
      return;
    }
    if (!intake.isResolvable()) {
      LOG.error("securemail.tlsrpt.lmtp.enabled is set, but this build has no TLS report intake: "
          + "the LMTP report receiver does not start");
      return;
    }
    try {
      server = LmtpServer.start(new InetSocketAddress(port), limits, intake.get(), "securemail-operator");
      LOG.infof("TLS report mail receiver (LMTP) listening on port %d", server.port());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for TLS report mail on port " + port, e);
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    if (server != null) {
      server.close();
    }
  }
}
