package io.securemail.operator.compliance.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.function.LongSupplier;

/**
 * Reads from a socket (or a protocol layered on it, such as TLS) within a deadline: before every
 * read the socket's timeout is set to what is left, so a peer that says nothing, or trickles one
 * byte at a time, is cut off when the deadline passes. A socket timeout alone bounds only each
 * read, and a slow peer can keep a step going indefinitely.
 *
 * <p>Closing this stream does not close the socket: its owner does.
 */
public final class DeadlineInputStream extends InputStream {

  private final InputStream in;
  private final Socket socket;
  private final LongSupplier deadline;

  /**
   * @param in what to read: the socket's stream or one layered on it
   * @param socket whose timeout bounds each read
   * @param deadline a {@link System#nanoTime()} value, asked at every read, so the owner may move it
   *     for each step of a conversation
   */
  public DeadlineInputStream(InputStream in, Socket socket, LongSupplier deadline) {
    this.in = in;
    this.socket = socket;
    this.deadline = deadline;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    long left = (deadline.getAsLong() - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      throw new SocketTimeoutException("deadline passed");
    }
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, left)));
    return in.read(b, off, len);
  }

  /** What can be read without blocking, e.g. to see that nothing was sent ahead of a TLS handshake. */
  @Override
  public int available() throws IOException {
    return in.available();
  }
}
