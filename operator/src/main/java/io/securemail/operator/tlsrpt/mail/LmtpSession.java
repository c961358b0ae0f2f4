package io.securemail.operator.tlsrpt.mail;

import io.securemail.operator.tlsrpt.ReportIntake;
import io.securemail.operator.tlsrpt.ReportIntake.Channel;
import io.securemail.operator.tlsrpt.ReportIntake.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * One LMTP connection (RFC 2033): LHLO, then transactions of MAIL, RCPT and DATA, answered after
 * DATA with one reply per accepted recipient (section 4.2). The server side of what Postfix's lmtp
 * client speaks; PIPELINING (RFC 2920) works because every command is answered in order.
 */
final class LmtpSession {

  private static final Logger LOG = Logger.getLogger(LmtpSession.class);
  private static final Pattern MAIL = Pattern.compile("(?i)MAIL FROM:\\s?<([^<>]*)>(.*)");
  private static final Pattern RCPT = Pattern.compile("(?i)RCPT TO:\\s?<([^<>]+)>(.*)");
  private static final Pattern SIZE = Pattern.compile("(?i)(?:^|\\s)SIZE=([0-9]{1,18})(?:\\s|$)");
  /** A recipient address: a local part and a domain name; the domain is what the report is for. */
  private static final Pattern ADDRESS = Pattern.compile("[^@\\s]{1,64}@([A-Za-z0-9-]{1,63}(\\.[A-Za-z0-9-]{1,63})+)\\.?");
  /** Unknown or out-of-order commands after which the client is taken to be lost. */
  private static final int MAX_ERRORS = 10;

  private final LineReader in;
  private final OutputStream out;
  private final LmtpLimits limits;
  private final ReportIntake intake;
  private final String hostname;
  private boolean greeted;
  private String mailFrom;
  private final List<String> recipients = new ArrayList<>();
  private int errors;

  LmtpSession(InputStream in, OutputStream out, LmtpLimits limits, ReportIntake intake, String hostname) {
    this.in = new LineReader(in, limits.maxLineBytes());
    this.out = out;
    this.limits = limits;
    this.intake = intake;
    this.hostname = hostname;
  }

  /** Serves the connection until QUIT, the client's end, or a protocol violation. */
  void run() throws IOException {
    reply("220 " + hostname + " LMTP TLS report receiver ready");
    while (true) {
      byte[] raw;
      try {
        raw = in.readLine();
      } catch (LineReader.TooLong e) {
        reply("500 5.5.2 line too long, closing");
        return;
      }
      if (raw == null) {
        return;
      }
      String line = new String(raw, StandardCharsets.US_ASCII);
      String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase(Locale.ROOT);
      boolean ok = switch (verb) {
        case "LHLO" -> lhlo(line);
        case "HELO", "EHLO" -> error("500 5.5.1 this is LMTP: use LHLO (RFC 2033 section 4.1)");
        case "MAIL" -> mail(line);
        case "RCPT" -> rcpt(line);
        case "DATA" -> data();
        case "RSET" -> {
          reset();
          reply("250 2.0.0 OK");
          yield true;
        }
        case "NOOP" -> reply("250 2.0.0 OK");
        case "QUIT" -> {
          reply("221 2.0.0 " + hostname + " closing");
          yield false;
        }
        default -> error("500 5.5.2 command not recognized");
      };
      if (!ok) {
        return;
      }
      if (errors >= MAX_ERRORS) {
        reply("421 4.7.0 too many errors, closing");
        return;
      }
    }
  }

  private boolean lhlo(String line) throws IOException {
    if (line.length() < 6 || line.substring(5).isBlank()) {
      return error("501 5.5.4 LHLO needs the client's name");
    }
    greeted = true;
    reset();
    return reply("250-" + hostname + "\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SIZE "
        + limits.maxMessageBytes());
  }

  private boolean mail(String line) throws IOException {
    if (!greeted) {
      return error("503 5.5.1 LHLO first");
    }
    if (mailFrom != null) {
      return error("503 5.5.1 a transaction is already open");
    }
    Matcher m = MAIL.matcher(line);
    if (!m.matches()) {
      return error("501 5.5.4 syntax: MAIL FROM:<address>");
    }
    Matcher size = SIZE.matcher(m.group(2));
    if (size.find() && Long.parseLong(size.group(1)) > limits.maxMessageBytes()) {
      // RFC 1870 section 6.2: refused before the data is sent.
      return reply(DeliveryReply.tooLarge(limits.maxMessageBytes()));
    }
    mailFrom = m.group(1);
    return reply("250 2.1.0 OK");
  }

  private boolean rcpt(String line) throws IOException {
    if (mailFrom == null) {
      return error("503 5.5.1 MAIL first");
    }
    Matcher m = RCPT.matcher(line);
    if (!m.matches()) {
      return error("501 5.5.4 syntax: RCPT TO:<address>");
    }
    Matcher address = ADDRESS.matcher(m.group(1));
    if (!address.matches()) {
      return reply("501 5.1.3 not an address with a domain: " + m.group(1).replaceAll("[^\\x21-\\x7e]", "?"));
    }
    if (recipients.size() >= limits.maxRecipients()) {
      return reply("452 4.5.3 too many recipients");
    }
    recipients.add(m.group(1));
    return reply("250 2.1.5 OK");
  }

  private boolean data() throws IOException {
    if (recipients.isEmpty()) {
      return error("503 5.5.1 no valid recipients");
    }
    reply("354 end data with <CR><LF>.<CR><LF>");
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    boolean tooLarge = false;
    boolean overlong = false;
    while (true) {
      byte[] line = in.readDataLine();
      if (line == null) {
        throw new IOException("connection closed in DATA");
      }
      if (line == LineReader.OVERLONG) {
        // Read to its end and dropped: the rest of the message is read, then refused.
        overlong = true;
        continue;
      }
      if (line.length == 1 && line[0] == '.') {
        break;
      }
      // Dot-unstuffing (RFC 5321 section 4.5.2).
      int skip = line.length > 0 && line[0] == '.' ? 1 : 0;
      if (tooLarge || message.size() + line.length - skip + 2 > limits.maxMessageBytes()) {
        tooLarge = true;
        continue;
      }
      message.write(line, skip, line.length - skip);
      message.write('\r');
      message.write('\n');
    }
    List<String> replies;
    if (tooLarge) {
      replies = repeat(DeliveryReply.tooLarge(limits.maxMessageBytes()));
    } else if (overlong) {
      replies = repeat(DeliveryReply.unreadable("a line is longer than " + limits.maxLineBytes()
          + " bytes (RFC 5321 section 4.5.3.1.6)"));
    } else {
      replies = deliver(message.toByteArray());
    }
    for (String r : replies) {
      reply(r);
    }
    reset();
    return true;
  }

  /** One reply per recipient; each recipient's domain gets the reports once. */
  private List<String> deliver(byte[] message) {
    List<ReportParts.Part> parts;
    try {
      parts = ReportParts.extract(message, limits.maxReportParts());
    } catch (ReportParts.Unreadable e) {
      return repeat(DeliveryReply.unreadable(e.getMessage()));
    }
    if (parts.isEmpty()) {
      return repeat(DeliveryReply.noReport());
    }
    Map<String, String> byDomain = new HashMap<>();
    List<String> replies = new ArrayList<>();
    for (String recipient : recipients) {
      String domain = domainOf(recipient);
      replies.add(byDomain.computeIfAbsent(domain, d -> handOver(parts, d)));
    }
    return replies;
  }

  private String handOver(List<ReportParts.Part> parts, String domain) {
    List<Outcome> outcomes = new ArrayList<>();
    try {
      for (ReportParts.Part part : parts) {
        Outcome outcome = intake.accept(part.body(), part.mediaType(), Channel.MAILTO, domain);
        if (outcome == null) {
          throw new IllegalStateException("the report intake returned no outcome");
        }
        outcomes.add(outcome);
      }
    } catch (RuntimeException e) {
      LOG.errorf(e, "TLS report mail for %s: the report intake failed", domain);
      return DeliveryReply.internalError();
    }
    String reply = DeliveryReply.of(outcomes);
    LOG.debugf("TLS report mail for %s from <%s>: %s", domain, mailFrom, reply);
    return reply;
  }

  static String domainOf(String address) {
    String domain = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    return domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
  }

  private List<String> repeat(String reply) {
    return recipients.stream().map(r -> reply).toList();
  }

  private void reset() {
    mailFrom = null;
    recipients.clear();
  }

  private boolean error(String reply) throws IOException {
    errors++;
    return reply(reply);
  }

  private boolean reply(String text) throws IOException {
    out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return true;
  }
}
