package io.securemail.operator.tlsrpt;

/**
 * How large a report may be: as received ({@code compressedBytes}, the body of the POST or the
 * attachment) and once inflated ({@code inflatedBytes}). The second is enforced while inflating, so
 * a gzip bomb is refused after at most that many bytes have been produced.
 */
public record ReportLimits(long compressedBytes, long inflatedBytes) {

  /** 1 MiB received, 8 MiB of JSON: large senders' daily reports are a few kilobytes. */
  public static final ReportLimits DEFAULT = new ReportLimits(1 << 20, 8 << 20);

  public ReportLimits {
    if (compressedBytes <= 0 || inflatedBytes <= 0) {
      throw new IllegalArgumentException("report size limits must be positive");
    }
  }
}
