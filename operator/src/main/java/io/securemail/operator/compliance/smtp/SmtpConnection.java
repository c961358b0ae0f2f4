package io.securemail.operator.compliance.smtp;

import io.securemail.operator.compliance.net.DeadlineInputStream;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of one SMTP connection: replies (RFC 5321 section 4.2, multi-line with "250-"),
 * commands, and the switch to TLS after STARTTLS (RFC 3207 section 4.2). Every step has its own
 * deadline, enforced across reads, so a server that says nothing or trickles bytes is cut off; the
 * whole conversation has one more, so a server that answers every step just in time cannot keep it
 * going step after step; and a connection reads at most {@value #MAX_BYTES} bytes from the network
 * (TLS records included), however the server splits them into lines and replies.
 */
final class SmtpConnection implements Closeable {

  /** One reply: its code and text lines. */
  record Reply(int code, List<String> lines) {
    String text() {
      return code + " " + String.join(" / ", lines);
    }
  }

  private static final int MAX_LINE = 2048;
  private static final int MAX_LINES = 100;
  /** Far more than a greeting, two EHLO replies and a certificate chain take; far less than memory. */
  static final int MAX_BYTES = 64 * 1024;

  private final Socket socket;
  private final Duration timeout;
  /** What the network delivers, counted against {@link #MAX_BYTES}: plain SMTP and TLS records alike. */
  private final InputStream network;
  private final long connectionDeadline;
  private InputStream in;
  private OutputStream out;
  private long deadline;
  private boolean stepBoundByConversation;

  private SmtpConnection(Socket socket, Duration timeout, long connectionDeadline) throws IOException {
    this.socket = socket;
    this.timeout = timeout;
    this.connectionDeadline = connectionDeadline;
    this.network = new ByteBudgetInputStream(socket.getInputStream(), MAX_BYTES);
    this.in = new BufferedInputStream(deadlined(network));
    this.out = socket.getOutputStream();
  }

  /**
   * @param timeout each step's: connecting, the greeting, each reply, the TLS handshake
   * @param overall the whole conversation's, from before connecting
   */
  static SmtpConnection open(InetAddress address, int port, Duration timeout, Duration overall) throws IOException {
    long connectionDeadline = System.nanoTime() + overall.toNanos();
    Socket socket = new Socket();
    try {
      // A conversation of small writes, each awaiting a reply; the TLS client writes a flight's
      // records one by one. With Nagle's algorithm, a write would wait for the ACK of the one
      // before it, which the server may delay (40 ms on Linux).
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      return new SmtpConnection(socket, timeout, connectionDeadline);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** "[192.0.2.1]" or "[IPv6:2001:db8::1]": our EHLO argument, an address literal (RFC 5321 section 4.1.3). */
  String localAddressLiteral() {
    InetAddress local = socket.getLocalAddress();
    String text = io.securemail.operator.compliance.net.AddressText.of(local);
    return local instanceof java.net.Inet6Address ? "[IPv6:" + text + "]" : "[" + text + "]";
  }

  /** Sends a command and waits for its reply within one timeout. */
  Reply command(String line) throws IOException {
    startStep();
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return readReply();
  }

  /** Reads the greeting within one timeout. */
  Reply greeting() throws IOException {
    startStep();
    return readReply();
  }

  /** Runs the TLS handshake on this connection (within one timeout) and continues over TLS. */
  BcTlsHandshake.Established startTls(String serverName, TlsOffer offer) throws IOException {
    return startTls(serverName, offer.versions(), offer.suites(), new BcTlsHandshake.Progress());
  }

  /** The handshake offering exactly {@code versions} and {@code suites}; {@code progress} says how far it got. */
  BcTlsHandshake.Established startTls(String serverName, org.bouncycastle.tls.ProtocolVersion[] versions, int[] suites,
      BcTlsHandshake.Progress progress) throws IOException {
    startStep();
    if (in.available() > 0) {
      // RFC 3207 section 4.2 / CVE-2011-0411: nothing may be buffered from before the handshake.
      throw new IOException("the server sent data after its STARTTLS reply (command injection risk)");
    }
    // The TLS layer gets a stream it cannot close: when a handshake fails, Bouncy Castle closes what
    // it was given, and this connection decides how the socket ends (closeAfterAbort).
    OutputStream unclosable = new FilterOutputStream(socket.getOutputStream()) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
    BcTlsHandshake.Established tls = BcTlsHandshake.connect(deadlined(network), unclosable,
        serverName, versions, suites, progress);
    in = new BufferedInputStream(deadlined(tls.protocol().getInputStream()));
    out = tls.protocol().getOutputStream();
    return tls;
  }

  private void startStep() {
    long stepDeadline = System.nanoTime() + timeout.toNanos();
    stepBoundByConversation = connectionDeadline - stepDeadline <= 0;
    deadline = stepBoundByConversation ? connectionDeadline : stepDeadline;
  }

  /**
   * Whether the current step ends at the conversation's deadline rather than its own: a timeout in
   * it is the conversation's. Decided when the step starts, not by the clock when the timeout comes
   * (a socket timeout may fire a fraction of a millisecond before the deadline it stands for).
   */
  boolean stepBoundByConversation() {
    return stepBoundByConversation;
  }

  private Reply readReply() throws IOException {
    List<String> lines = new ArrayList<>();
    int code;
    while (true) {
      String line = readLine();
      if (line.length() < 3 || !line.substring(0, 3).matches("[2-5][0-9][0-9]")
          || (line.length() > 3 && line.charAt(3) != '-' && line.charAt(3) != ' ')) {
        throw new IOException("not an SMTP reply: '" + abbreviate(line) + "'");
      }
      code = Integer.parseInt(line.substring(0, 3));
      lines.add(line.length() > 4 ? line.substring(4) : "");
      if (line.length() == 3 || line.charAt(3) == ' ') {
        return new Reply(code, lines);
      }
      if (lines.size() >= MAX_LINES) {
        throw new IOException("reply longer than " + MAX_LINES + " lines");
      }
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int c = readByte();
      if (c < 0) {
        throw new IOException("the server closed the connection");
      }
      if (c == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      if (line.size() >= MAX_LINE) {
        throw new IOException("reply line longer than " + MAX_LINE + " bytes");
      }
      line.write(c);
    }
  }

  private int readByte() throws IOException {
    return in.read();
  }

  /** Every read of this connection, plain or over TLS, ends by the current step's deadline. */
  private InputStream deadlined(InputStream stream) {
    return new DeadlineInputStream(stream, socket, () -> deadline);
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  /**
   * Ends a connection whose TLS handshake this client cut short: a FIN after its alert, then what
   * the server still sends (the rest of its flight) is read and dropped until it closes its side
   * too, within one step's time and the byte budget. Closing with those bytes unread would reset
   * the connection instead, and the server's side could still be open when the next conversation
   * with the address begins.
   */
  void closeAfterAbort() {
    try {
      startStep();
      socket.shutdownOutput();
      InputStream rest = deadlined(network);
      byte[] dropped = new byte[4096];
      while (rest.read(dropped) >= 0) {
        // until the server's FIN
      }
    } catch (IOException e) {
      // No FIN in time, too much, or a reset: the socket is closed all the same.
    } finally {
      try {
        socket.close();
      } catch (IOException e) {
        // closed anyway
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** Fails the read that would take the connection past its byte budget. */
  private static final class ByteBudgetInputStream extends java.io.FilterInputStream {

    private final int budget;
    private long read;

    ByteBudgetInputStream(InputStream in, int budget) {
      super(in);
      this.budget = budget;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (read >= budget) {
        throw new IOException("the server sent more than " + budget + " bytes");
      }
      int n = super.read(b, off, (int) Math.min(len, budget - read));
      read += Math.max(n, 0);
      return n;
    }
  }
}
