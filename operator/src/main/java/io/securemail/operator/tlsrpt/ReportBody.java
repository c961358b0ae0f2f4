package io.securemail.operator.tlsrpt;

import io.securemail.operator.tlsrpt.ReportIntake.Verdict;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The JSON of a report from the body it arrived as (RFC 8460 section 5): {@code application/tlsrpt+gzip}
 * is inflated, {@code application/tlsrpt+json} taken as it is. Both size limits hold: the body as
 * received, and the JSON, counted while it is inflated, so no more than the limit is ever produced.
 */
public final class ReportBody {

  /** RFC 8460 section 5.1: the compressed report, what senders send. */
  public static final String GZIP = "application/tlsrpt+gzip";
  /** RFC 8460 section 5.2: the report as plain JSON. */
  public static final String JSON = "application/tlsrpt+json";

  private ReportBody() {}

  /** Whether a media type (parameters allowed) names one of the two report types. */
  public static boolean isReportType(String mediaType) {
    String type = bare(mediaType);
    return type.equals(GZIP) || type.equals(JSON);
  }

  /** The media type without parameters, lower case. */
  static String bare(String mediaType) {
    if (mediaType == null) {
      return "";
    }
    int semicolon = mediaType.indexOf(';');
    return (semicolon < 0 ? mediaType : mediaType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
  }

  /** The report's JSON bytes, or why not. */
  static byte[] json(byte[] body, String mediaType, ReportLimits limits) throws ReportRefusal {
    if (body.length > limits.compressedBytes()) {
      throw new ReportRefusal(Verdict.TOO_LARGE, "the report is " + body.length + " bytes, more than the limit of "
          + limits.compressedBytes());
    }
    return json(new ByteArrayInputStream(body), mediaType, limits);
  }

  /** The report's JSON from a stream of the body as received (read only as far as needed). */
  static byte[] json(InputStream body, String mediaType, ReportLimits limits) throws ReportRefusal {
    String type = bare(mediaType);
    try {
      if (type.equals(JSON)) {
        return readAtMost(body, limits.compressedBytes(), "the report is larger than the limit of "
            + limits.compressedBytes() + " bytes");
      }
      if (type.equals(GZIP)) {
        return inflate(body, limits);
      }
    } catch (IOException e) {
      throw new ReportRefusal(Verdict.MALFORMED, "the report could not be read: " + e.getMessage());
    }
    throw new ReportRefusal(Verdict.MALFORMED, "media type '" + mediaType + "' is neither " + GZIP + " nor " + JSON
        + " (RFC 8460 section 5)");
  }

  private static byte[] inflate(InputStream body, ReportLimits limits) throws ReportRefusal, IOException {
    // The compressed side is bounded too: a stream offered here may be longer than any byte array.
    InputStream compressed = new BoundedInput(body, limits.compressedBytes());
    try (GZIPInputStream gzip = new GZIPInputStream(compressed, 8192)) {
      return readAtMost(gzip, limits.inflatedBytes(), "the report inflates to more than the limit of "
          + limits.inflatedBytes() + " bytes");
    } catch (BoundedInput.Exceeded e) {
      throw new ReportRefusal(Verdict.TOO_LARGE, "the report is larger than the limit of "
          + limits.compressedBytes() + " bytes");
    } catch (EOFException e) {
      throw new ReportRefusal(Verdict.MALFORMED, "the gzip body is truncated");
    } catch (ZipException e) {
      throw new ReportRefusal(Verdict.MALFORMED, "the body is not gzip (" + e.getMessage() + ")");
    }
  }

  private static byte[] readAtMost(InputStream in, long limit, String tooLarge) throws IOException, ReportRefusal {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) > 0) {
      total += n;
      if (total > limit) {
        throw new ReportRefusal(Verdict.TOO_LARGE, tooLarge);
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /** Fails once more than {@code limit} bytes have been read. */
  private static final class BoundedInput extends InputStream {

    static final class Exceeded extends IOException {
      Exceeded() {
        super("compressed limit exceeded");
      }
    }

    private final InputStream in;
    private final long limit;
    private long read;

    BoundedInput(InputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) throws Exceeded {
      read += n;
      if (read > limit) {
        throw new Exceeded();
      }
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }
  }
}
