package io.securemail.operator.tlsrpt;

import static io.securemail.operator.tlsrpt.SampleReports.bytes;
import static io.securemail.operator.tlsrpt.SampleReports.gzip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securemail.operator.tlsrpt.ReportIntake.Verdict;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ReportBodyTest {

  private static final String REPORT = SampleReports.rfcStyle("r-1", "example.com");

  @Test
  void gzipIsInflatedAndJsonTakenAsItIs() throws Exception {
    assertThat(new String(ReportBody.json(gzip(REPORT), "application/tlsrpt+gzip", ReportLimits.DEFAULT),
        StandardCharsets.UTF_8)).isEqualTo(REPORT);
    assertThat(new String(ReportBody.json(bytes(REPORT), "Application/TLSRPT+JSON; charset=utf-8",
        ReportLimits.DEFAULT), StandardCharsets.UTF_8)).isEqualTo(REPORT);
  }

  @Test
  void anotherMediaTypeIsRefused() {
    assertThatThrownBy(() -> ReportBody.json(bytes(REPORT), "application/json", ReportLimits.DEFAULT))
        .isInstanceOf(ReportRefusal.class).hasMessageContaining("application/tlsrpt+gzip")
        .extracting(e -> ((ReportRefusal) e).verdict()).isEqualTo(Verdict.MALFORMED);
    assertThat(ReportBody.isReportType("application/tlsrpt+gzip")).isTrue();
    assertThat(ReportBody.isReportType("text/plain")).isFalse();
    assertThat(ReportBody.isReportType(null)).isFalse();
  }

  @Test
  void plainJsonLabelledGzipIsNotGzip() {
    assertThatThrownBy(() -> ReportBody.json(bytes(REPORT), "application/tlsrpt+gzip", ReportLimits.DEFAULT))
        .isInstanceOf(ReportRefusal.class).hasMessageContaining("not gzip")
        .extracting(e -> ((ReportRefusal) e).verdict()).isEqualTo(Verdict.MALFORMED);
  }

  @Test
  void aTruncatedGzipBodyIsRefused() {
    byte[] whole = gzip(REPORT);
    byte[] cut = Arrays.copyOf(whole, whole.length / 2);
    assertThatThrownBy(() -> ReportBody.json(cut, "application/tlsrpt+gzip", ReportLimits.DEFAULT))
        .isInstanceOf(ReportRefusal.class).hasMessage("the gzip body is truncated")
        .extracting(e -> ((ReportRefusal) e).verdict()).isEqualTo(Verdict.MALFORMED);
    // Only the trailer (CRC and length, RFC 1952 section 2.2) missing is still a truncated body.
    byte[] noTrailer = Arrays.copyOf(whole, whole.length - 8);
    assertThatThrownBy(() -> ReportBody.json(noTrailer, "application/tlsrpt+gzip", ReportLimits.DEFAULT))
        .isInstanceOf(ReportRefusal.class).hasMessage("the gzip body is truncated");
  }

  @Test
  void aBodyOverTheCompressedLimitIsRefusedUnread() {
    ReportLimits limits = new ReportLimits(100, 1000);
    assertThatThrownBy(() -> ReportBody.json(new byte[101], "application/tlsrpt+gzip", limits))
        .isInstanceOf(ReportRefusal.class).hasMessageContaining("more than the limit of 100")
        .extracting(e -> ((ReportRefusal) e).verdict()).isEqualTo(Verdict.TOO_LARGE);
    assertThatThrownBy(() -> ReportBody.json(new ByteArrayInputStream(new byte[101]), "application/tlsrpt+json",
        limits)).extracting(e -> ((ReportRefusal) e).verdict()).isEqualTo(Verdict.TOO_LARGE);
  }

  @Test
  void jsonInflatingPastTheLimitIsRefused() {
    byte[] body = gzip(REPORT);
    ReportLimits limits = new ReportLimits(body.length, REPORT.length() - 1);
    assertThatThrownBy(() -> ReportBody.json(body, "application/tlsrpt+gzip", limits))
        .isInstanceOf(ReportRefusal.class)
        .hasMessage("the report inflates to more than the limit of " + (REPORT.length() - 1) + " bytes")
        .extracting(e -> ((ReportRefusal) e).verdict()).isEqualTo(Verdict.TOO_LARGE);
  }

  /**
   * One gibibyte of zeros, compressed as it is produced (about 1 MB): the inflater stops at the
   * 8 MiB limit, having read only the first part of the compressed body.
   */
  @Test
  void aGzipBombIsRefusedWithoutInflatingPastTheLimit() throws Exception {
    byte[] bomb = gzippedZeros(1L << 30);
    assertThat(bomb.length).isGreaterThan(500_000).isLessThan(2_000_000);
    ReportLimits limits = new ReportLimits(2 << 20, 8 << 20);
    CountingInput counted = new CountingInput(new ByteArrayInputStream(bomb));
    assertThatThrownBy(() -> ReportBody.json(counted, "application/tlsrpt+gzip", limits))
        .isInstanceOf(ReportRefusal.class).hasMessageContaining("inflates to more than the limit of 8388608")
        .extracting(e -> ((ReportRefusal) e).verdict()).isEqualTo(Verdict.TOO_LARGE);
    // 8 MiB of output needs about 8 KiB of input at deflate's ratio; a few buffers more at most.
    assertThat(counted.read).isLessThan(bomb.length / 20);
    // Under the default limits the same bomb is already too large as received.
    assertThatThrownBy(() -> ReportBody.json(bomb, "application/tlsrpt+gzip", ReportLimits.DEFAULT))
        .extracting(e -> ((ReportRefusal) e).verdict()).isEqualTo(Verdict.TOO_LARGE);
  }

  /** Compresses {@code size} zero bytes without ever holding them. */
  static byte[] gzippedZeros(long size) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] zeros = new byte[1 << 16];
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
      for (long written = 0; written < size; written += zeros.length) {
        gz.write(zeros, 0, (int) Math.min(zeros.length, size - written));
      }
    }
    return out.toByteArray();
  }

  private static final class CountingInput extends FilterInputStream {
    long read;

    CountingInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      read += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      read += Math.max(n, 0);
      return n;
    }
  }
}
