package io.securemail.operator.compliance.smtp;

import io.securemail.operator.compliance.smtp.SmtpObservation.Outcome;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.net.AddressText;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsFatalAlertReceived;

/**
 * The SMTP probe over TCP: greeting, EHLO, STARTTLS, TLS handshake ({@link TlsOffer#STANDARD}), EHLO
 * over TLS to prove the record layer works, QUIT. When STARTTLS is offered, one more connection per
 * further {@link TlsOffer} shows whether the server accepts legacy versions or suites outside what
 * the profile allows; offers that one answer settles share a connection ({@link JointOffers}). Each
 * connection keeps the per-step deadlines.
 * Thread-safe: it holds only configuration.
 */
public final class SmtpClientProbe implements SmtpProbe {

  /** Every offer of every profile: for callers that judge under more than one. */
  private static final List<TlsOffer> WEAK_OFFERS = Arrays.stream(TlsOffer.values())
      .filter(o -> o != TlsOffer.STANDARD).toList();

  /** A conversation has six steps; a server that takes most of a step's time for each is cut off after three. */
  static final int OVERALL_STEPS = 3;

  private final Duration timeout;
  private final Duration overall;
  private final List<TlsOffer> weakOffers;

  /**
   * @param timeout for each step: connecting, the greeting, each command's reply, the TLS handshake;
   *     each connection's whole conversation gets {@value #OVERALL_STEPS} times as long
   */
  public SmtpClientProbe(Duration timeout) {
    this(timeout, timeout.multipliedBy(OVERALL_STEPS), WEAK_OFFERS);
  }

  SmtpClientProbe(Duration timeout, Duration overall, List<TlsOffer> weakOffers) {
    this.timeout = timeout;
    this.overall = overall;
    this.weakOffers = weakOffers;
  }

  /**
   * The same conversation without the weak offers, so one connection per address: for callers
   * that only need what is served (the chain), and look often.
   */
  public static SmtpClientProbe withoutWeakOffers(Duration timeout) {
    return new SmtpClientProbe(timeout, timeout.multipliedBy(OVERALL_STEPS), List.of());
  }

  @Override
  public SmtpObservation probe(String mxHost, InetAddress address, int port) {
    return probe(mxHost, address, port, weakOffers);
  }

  /** Only the offers the profile needs (of those this probe makes at all). */
  @Override
  public SmtpObservation probe(String mxHost, InetAddress address, int port, Profile profile) {
    List<TlsOffer> needed = TlsOffer.probesFor(profile);
    return probe(mxHost, address, port, weakOffers.stream().filter(needed::contains).toList());
  }

  private SmtpObservation probe(String mxHost, InetAddress address, int port, List<TlsOffer> offers) {
    Session main = converse(mxHost, address, port, TlsOffer.STANDARD, true);
    List<TlsAttempt> attempts = new ArrayList<>();
    // Weak offers only make sense once STARTTLS works; each handshake needs its own connection.
    // Offers the same answer settles are made together (JointOffers): fewer connections, the same attempts.
    if (main.outcome == Outcome.TLS_OK || main.outcome == Outcome.TLS_BROKEN || main.outcome == Outcome.HANDSHAKE_FAILED) {
      attempts.addAll(JointOffers.attempts(offers,
          (versions, suites) -> outcome(converse(mxHost, address, port, versions, suites, false)),
          offer -> attempt(offer, converse(mxHost, address, port, offer, false))));
    }
    return new SmtpObservation(mxHost, AddressText.of(address), port, main.outcome, main.banner, main.tls, attempts,
        main.detail);
  }

  private static TlsAttempt attempt(TlsOffer offer, Session weak) {
    return switch (weak.outcome) {
      case TLS_OK, TLS_BROKEN -> new TlsAttempt(offer, TlsAttempt.Result.ACCEPTED,
          weak.tls.version() + " " + weak.tls.cipherSuite(), "");
      case HANDSHAKE_FAILED -> new TlsAttempt(offer, TlsAttempt.Result.REFUSED, null, weak.detail);
      default -> new TlsAttempt(offer, TlsAttempt.Result.INCONCLUSIVE, null, weak.detail);
    };
  }

  private static JointOffers.Outcome outcome(Session weak) {
    return switch (weak.outcome) {
      case TLS_OK, TLS_BROKEN -> JointOffers.Outcome.completed(weak.tls.version(), weak.tls.cipherSuite());
      case HANDSHAKE_FAILED -> JointOffers.Outcome.refused(weak.suiteChosen,
          weak.handshakeError instanceof TlsFatalAlertReceived received
              && received.getAlertDescription() == AlertDescription.protocol_version, weak.detail);
      default -> JointOffers.Outcome.inconclusive(weak.detail);
    };
  }

  /**
   * @param suiteChosen whether the server's ServerHello named a suite before the handshake failed
   * @param handshakeError why the handshake failed, when it did
   */
  private record Session(Outcome outcome, String banner, TlsSession tls, String detail, boolean suiteChosen,
      IOException handshakeError) {

    Session(Outcome outcome, String banner, TlsSession tls, String detail) {
      this(outcome, banner, tls, detail, false, null);
    }
  }

  private Session converse(String mxHost, InetAddress address, int port, TlsOffer offer, boolean full) {
    return converse(mxHost, address, port, offer.versions(), offer.suites(), full);
  }

  private Session converse(String mxHost, InetAddress address, int port, ProtocolVersion[] versions, int[] suites,
      boolean full) {
    String text = AddressText.of(address);
    String where = (text.contains(":") ? "[" + text + "]" : text) + ":" + port;
    SmtpConnection connection;
    try {
      connection = SmtpConnection.open(address, port, timeout, overall);
    } catch (SocketTimeoutException e) {
      return new Session(Outcome.UNREACHABLE, null, null, "no TCP connection to " + where + " within " + seconds());
    } catch (ConnectException e) {
      return new Session(Outcome.UNREACHABLE, null, null, "cannot connect to " + where + ": " + e.getMessage());
    } catch (IOException e) {
      return new Session(Outcome.UNREACHABLE, null, null, "cannot connect to " + where + ": " + e);
    }
    String banner = null;
    TlsSession session = null;
    String step = "greeting";
    try (connection) {
      SmtpConnection.Reply greeting = connection.greeting();
      banner = greeting.text();
      if (greeting.code() != 220) {
        quietQuit(connection);
        return new Session(Outcome.REJECTED, banner, null, where + " greeted with " + abbreviate(banner));
      }
      step = "EHLO";
      SmtpConnection.Reply ehlo = connection.command("EHLO " + connection.localAddressLiteral());
      if (ehlo.code() != 250) {
        quietQuit(connection);
        return new Session(Outcome.REJECTED, banner, null, where + " answered EHLO with " + abbreviate(ehlo.text()));
      }
      boolean starttls = ehlo.lines().stream().skip(1)
          .anyMatch(l -> l.trim().toUpperCase(Locale.ROOT).equals("STARTTLS"));
      if (!starttls) {
        quietQuit(connection);
        return new Session(Outcome.NO_STARTTLS, banner, null, where + " does not offer STARTTLS in its EHLO reply");
      }
      step = "STARTTLS";
      SmtpConnection.Reply ready = connection.command("STARTTLS");
      if (ready.code() != 220) {
        quietQuit(connection);
        return new Session(Outcome.STARTTLS_REFUSED, banner, null, where + " answered STARTTLS with "
            + abbreviate(ready.text()));
      }
      step = "TLS handshake";
      BcTlsHandshake.Established tls;
      // A weak offer only asks what the server chooses: its ServerHello says that, and the handshake
      // ends there (BcTlsHandshake.Progress); the connection then ends without QUIT, as TLS is gone.
      BcTlsHandshake.Progress progress = new BcTlsHandshake.Progress(!full);
      try {
        tls = connection.startTls(mxHost, versions, suites, progress);
      } catch (SocketTimeoutException e) {
        return new Session(Outcome.HANDSHAKE_FAILED, banner, null, "the TLS handshake with " + where
            + " did not complete within " + (connection.stepBoundByConversation() ? overallText() : seconds()),
            progress.suiteChosen(), e);
      } catch (IOException e) {
        if (progress.choice() != null) {
          connection.closeAfterAbort();
          return new Session(Outcome.TLS_OK, banner, progress.choice(), "");
        }
        return new Session(Outcome.HANDSHAKE_FAILED, banner, null, "the TLS handshake with " + where + " failed: "
            + BcTlsHandshake.describe(e), progress.suiteChosen(), e);
      }
      session = tls.session();
      if (!full) {
        quietQuit(connection);
        return new Session(Outcome.TLS_OK, banner, session, "");
      }
      step = "EHLO over TLS";
      SmtpConnection.Reply secureEhlo = connection.command("EHLO " + connection.localAddressLiteral());
      if (secureEhlo.code() != 250) {
        return new Session(Outcome.TLS_BROKEN, banner, tls.session(), where + " answered EHLO over TLS with "
            + abbreviate(secureEhlo.text()));
      }
      step = "QUIT";
      connection.command("QUIT");
      return new Session(Outcome.TLS_OK, banner, tls.session(), "");
    } catch (SocketTimeoutException e) {
      return failedAt(step, banner, session, where, connection.stepBoundByConversation() ? "the conversation took "
          + overallText() : "no reply within " + seconds());
    } catch (IOException e) {
      return failedAt(step, banner, session, where, e.getMessage());
    }
  }

  private Session failedAt(String step, String banner, TlsSession session, String where, String why) {
    Outcome outcome = switch (step) {
      case "greeting" -> Outcome.NO_GREETING;
      case "EHLO" -> Outcome.REJECTED;
      case "STARTTLS" -> Outcome.STARTTLS_REFUSED;
      case "TLS handshake" -> Outcome.HANDSHAKE_FAILED;
      default -> Outcome.TLS_BROKEN;
    };
    if (outcome == Outcome.TLS_BROKEN && step.equals("QUIT")) {
      // Everything that matters worked; a server that hangs up on QUIT is not a TLS problem.
      return new Session(Outcome.TLS_OK, banner, session, "");
    }
    return new Session(outcome, banner, session, where + ": " + step + " failed: " + why);
  }

  private static void quietQuit(SmtpConnection connection) {
    try {
      connection.command("QUIT");
    } catch (IOException e) {
      // The attempt is judged already; how the server says goodbye does not matter.
    }
  }

  private String seconds() {
    return timeout.toSeconds() + " s";
  }

  private String overallText() {
    return "longer than " + (overall.toMillis() % 1000 == 0 ? overall.toSeconds() + " s" : overall.toMillis() + " ms")
        + " in all";
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }
}
