package io.securemail.operator.compliance.dns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * TXT record data (RFC 1035 section 3.3.14): one or more character-strings of at most 255 octets
 * each, which readers of TXT-based policies concatenate (RFC 7208 section 3.3, RFC 8460 section 3,
 * RFC 8461 section 3.1). Converts between that text and presentation format, the quoted strings of
 * a zone file with their {@code \"}, {@code \\} and {@code \DDD} escapes (RFC 1035 section 5.1).
 * dnsjava parses and prints the presentation format; this class only decides the character set
 * (UTF-8) and where the text is split.
 *
 * <p>Why not dnsjava's {@code List<String>} constructor and {@link TXTRecord#getStrings()}: the
 * former reads its strings as presentation format (a backslash in the text would start an escape)
 * in the platform's character set, and the latter returns them escaped again. The octets are what
 * the record carries, so both directions go through them.
 */
public final class TxtData {

  /** RFC 1035 section 3.3: a character-string is at most 255 octets. */
  public static final int MAX_CHARACTER_STRING = 255;

  private TxtData() {}

  /**
   * The text as TXT data in presentation format: its UTF-8 octets in character-strings of at most
   * 255 octets, quoted and escaped by dnsjava. The text is split on octets, not characters, so a
   * multi-byte character may span two strings; readers concatenate the octets before decoding.
   */
  public static String presentation(String text) {
    byte[] octets = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    int offset = 0;
    do {
      int length = Math.min(MAX_CHARACTER_STRING, octets.length - offset);
      wire.write(length);
      wire.write(octets, offset, length);
      offset += length;
    } while (offset < octets.length);
    return Record.newRecord(Name.root, Type.TXT, DClass.IN, 0, wire.toByteArray()).rdataToString();
  }

  /** The text a TXT record carries: its character-strings concatenated, decoded as UTF-8. */
  public static String text(TXTRecord record) {
    ByteArrayOutputStream octets = new ByteArrayOutputStream();
    for (byte[] string : record.getStringsAsByteArrays()) {
      octets.write(string, 0, string.length);
    }
    return octets.toString(StandardCharsets.UTF_8);
  }

  /**
   * The text of TXT data in presentation format, as {@link #text(TXTRecord)}.
   *
   * @throws IllegalArgumentException when the data is not TXT presentation format (unbalanced
   *     quotes, a bad escape, a character-string over 255 octets)
   */
  public static String text(String presentation) {
    try {
      return text((TXTRecord) Record.fromString(Name.root, Type.TXT, DClass.IN, 0, presentation, Name.root));
    } catch (IOException e) {
      throw new IllegalArgumentException("not TXT data: " + presentation + " (" + e.getMessage() + ")", e);
    }
  }
}
