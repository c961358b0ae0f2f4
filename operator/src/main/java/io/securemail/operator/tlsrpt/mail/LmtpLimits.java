package io.securemail.operator.tlsrpt.mail;

import java.time.Duration;

/**
 * The bounds the LMTP receiver holds every client to, so that no client, however broken or
 * hostile, holds the operator's memory or threads for long.
 *
 * @param maxLineBytes the longest line, command or message text, CRLF included (RFC 5321 section
 *     4.5.3.1.6 allows 1000 for text lines; a little more is tolerated)
 * @param maxMessageBytes the largest message, after dot-unstuffing; announced as SIZE (RFC 1870)
 * @param maxRecipients recipients per transaction; more are deferred with 452 (RFC 5321 section 4.5.3.1.8)
 * @param maxReportParts report parts handed on per message; a message with more is refused
 * @param idleTimeout how long the receiver waits for the client's next line
 * @param connectionDeadline the most one connection may last, however busy
 * @param maxConnections connections served at once (one thread each); more are told 421 and closed
 */
public record LmtpLimits(int maxLineBytes, int maxMessageBytes, int maxRecipients, int maxReportParts,
    Duration idleTimeout, Duration connectionDeadline, int maxConnections) {

  /** 2 MiB per message: a day's report of a large sender is tens of kilobytes gzipped. */
  public static final LmtpLimits DEFAULT = new LmtpLimits(2048, 2 * 1024 * 1024, 50, 8, Duration.ofSeconds(30),
      Duration.ofMinutes(2), 16);

  public LmtpLimits {
    if (maxLineBytes < 512 || maxMessageBytes < 1024 || maxRecipients < 1 || maxReportParts < 1
        || maxConnections < 1 || idleTimeout.isNegative() || idleTimeout.isZero()
        || connectionDeadline.compareTo(idleTimeout) < 0) {
      throw new IllegalArgumentException("LMTP limits out of range: " + this);
    }
  }
}
