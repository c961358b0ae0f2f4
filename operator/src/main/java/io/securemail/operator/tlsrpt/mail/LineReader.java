package io.securemail.operator.tlsrpt.mail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Lines of an SMTP-family dialogue, ended by CRLF (a bare LF is taken too), never longer than a
 * limit: a client that sends an endless line costs at most the limit in memory.
 */
final class LineReader {

  /** A command line longer than the limit. */
  static final class TooLong extends IOException {
    TooLong() {
      super("line too long");
    }
  }

  private final InputStream in;
  private final int maxBytes;

  LineReader(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /**
   * A command line without its line end, or null at the end of the stream.
   *
   * @throws TooLong as soon as the limit is passed, without reading the rest of the line
   */
  byte[] readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        return line.size() == 0 ? null : strip(line.toByteArray());
      }
      if (b == '\n') {
        return strip(line.toByteArray());
      }
      if (line.size() >= maxBytes) {
        throw new TooLong();
      }
      line.write(b);
    }
  }

  /** What {@link #readDataLine} returns for a line over the limit (compared by identity). */
  static final byte[] OVERLONG = new byte[0];

  /**
   * A line of message text without its line end, or null at the end of the stream. A line over
   * the limit is read to its end but not kept: {@link #OVERLONG} stands for it.
   */
  byte[] readDataLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean overlong = false;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      if (b == '\n') {
        break;
      }
      if (line.size() < maxBytes) {
        line.write(b);
      } else {
        overlong = true;
      }
    }
    return overlong ? OVERLONG : strip(line.toByteArray());
  }

  private static byte[] strip(byte[] line) {
    if (line.length > 0 && line[line.length - 1] == '\r') {
      return java.util.Arrays.copyOf(line, line.length - 1);
    }
    return line;
  }
}
