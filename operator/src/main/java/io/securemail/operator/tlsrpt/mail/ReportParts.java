package io.securemail.operator.tlsrpt.mail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;

/**
 * The TLS reports in a report mail: every MIME part of media type {@code application/tlsrpt+gzip}
 * or {@code application/tlsrpt+json} (RFC 8460 section 5.3; section 6 registers both), with its
 * content transfer encoding (base64, as section 5.3 requires for the gzip form) undone. The
 * message is normally {@code multipart/report; report-type="tlsrpt"}, but senders also use
 * {@code multipart/mixed}, or send the report as the whole body: the part is found by its media
 * type, wherever it is. Parsing is Apache James mime4j's streaming parser, with its limits on lines
 * and headers.
 */
public final class ReportParts {

  public static final String GZIP = "application/tlsrpt+gzip";
  public static final String JSON = "application/tlsrpt+json";

  /** One report as it came: the decoded body and its media type (without parameters). */
  public record Part(byte[] body, String mediaType) {}

  /** The message could not be parsed as MIME, or breaks a limit. */
  public static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  private ReportParts() {}

  /**
   * @param message the message as received (headers, blank line, body; CRLF line ends)
   * @param maxParts the most report parts taken; a message with more is {@link Unreadable}
   * @return the report parts, in message order; empty when there is none
   */
  public static List<Part> extract(byte[] message, int maxParts) throws Unreadable {
    MimeConfig config = new MimeConfig.Builder().setMaxLineLen(-1).setMaxHeaderCount(500)
        .setMaxHeaderLen(64 * 1024).setMaxContentLen(message.length).build();
    MimeTokenStream stream = new MimeTokenStream(config);
    stream.parse(new ByteArrayInputStream(message));
    List<Part> parts = new ArrayList<>();
    try {
      for (EntityState state = stream.getState(); state != EntityState.T_END_OF_STREAM; state = stream.next()) {
        if (state != EntityState.T_BODY) {
          continue;
        }
        String type = stream.getBodyDescriptor().getMimeType().toLowerCase(Locale.ROOT);
        if (!type.equals(GZIP) && !type.equals(JSON)) {
          continue;
        }
        if (parts.size() == maxParts) {
          throw new Unreadable("more than " + maxParts + " report parts in one message");
        }
        try (InputStream decoded = stream.getDecodedInputStream()) {
          // Decoding never enlarges: base64 and quoted-printable shrink, 7bit/8bit/binary stay.
          byte[] body = decoded.readNBytes(message.length + 1);
          parts.add(new Part(body, type));
        }
      }
    } catch (MimeException | IOException e) {
      throw new Unreadable("not a readable MIME message: " + e.getMessage());
    }
    return parts;
  }
}
