package io.securemail.operator.compliance.mtasts;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Just enough of an HTTP/1.1 response reader (RFC 9112) for a policy fetch: status line, headers,
 * and a body delimited by Content-Length, chunked encoding or end of stream, read no further than the
 * size limit.
 */
record HttpResponse(int status, Map<String, String> headers, byte[] body, boolean tooLarge) {

  private static final int MAX_LINE = 8192;
  private static final int MAX_HEADERS = 100;

  String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  static HttpResponse read(InputStream raw, int maxBody) throws IOException {
    InputStream in = new BufferedInputStream(raw);
    String statusLine = line(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[0-9]{3}")) {
      throw new IOException("not an HTTP response: '" + statusLine + "'");
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new HashMap<>();
    for (int i = 0; ; i++) {
      String header = line(in);
      if (header.isEmpty()) {
        break;
      }
      if (i >= MAX_HEADERS) {
        throw new IOException("too many response headers");
      }
      int colon = header.indexOf(':');
      if (colon > 0) {
        headers.putIfAbsent(header.substring(0, colon).strip().toLowerCase(Locale.ROOT), header.substring(colon + 1).strip());
      }
    }
    if (status != 200) {
      return new HttpResponse(status, headers, new byte[0], false);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean tooLarge;
    String length = headers.get("content-length");
    if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
      tooLarge = readChunked(in, body, maxBody);
    } else if (length != null && length.matches("[0-9]{1,18}")) {
      long declared = Long.parseLong(length);
      tooLarge = declared > maxBody;
      if (!tooLarge) {
        copy(in, body, declared, true);
      }
    } else {
      tooLarge = copy(in, body, maxBody + 1L, false) > maxBody;
    }
    return new HttpResponse(status, headers, body.toByteArray(), tooLarge);
  }

  private static boolean readChunked(InputStream in, ByteArrayOutputStream body, int maxBody) throws IOException {
    while (true) {
      String sizeLine = line(in);
      String hex = sizeLine.split(";", 2)[0].strip();
      if (!hex.matches("[0-9A-Fa-f]{1,8}")) {
        throw new IOException("bad chunk size '" + sizeLine + "'");
      }
      long size = Long.parseLong(hex, 16);
      if (size == 0) {
        return false;
      }
      if (body.size() + size > maxBody) {
        return true;
      }
      copy(in, body, size, true);
      line(in); // CRLF after the chunk data
    }
  }

  /** Copies up to {@code limit} bytes; with {@code exact}, a shorter stream is an error. */
  private static long copy(InputStream in, ByteArrayOutputStream out, long limit, boolean exact) throws IOException {
    byte[] buffer = new byte[8192];
    long copied = 0;
    while (copied < limit) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied));
      if (n < 0) {
        if (exact) {
          throw new EOFException("the response ended early");
        }
        break;
      }
      out.write(buffer, 0, n);
      copied += n;
    }
    return copied;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("the connection closed in the middle of the response");
      }
      if (c == '\n') {
        break;
      }
      if (line.size() >= MAX_LINE) {
        throw new IOException("response line too long");
      }
      line.write(c);
    }
    String s = line.toString(StandardCharsets.ISO_8859_1);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }
}
