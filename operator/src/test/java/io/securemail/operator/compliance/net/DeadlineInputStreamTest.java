package io.securemail.operator.compliance.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One deadline for a whole step, against a peer on loopback that trickles its bytes. */
class DeadlineInputStreamTest {

  /** Accepts one connection and sends a byte every 100 ms, for much longer than the deadline. */
  private static Thread trickle(ServerSocket listener) {
    Thread thread = new Thread(() -> {
      try (Socket peer = listener.accept()) {
        OutputStream out = peer.getOutputStream();
        for (int i = 0; i < 100; i++) {
          out.write('x');
          out.flush();
          Thread.sleep(100);
        }
      } catch (Exception e) {
        // the reader gave up: what the test expects
      }
    }, "trickle");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  @Test
  void aPeerThatTricklesIsCutOffAtTheDeadline() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket socket = new Socket()) {
      trickle(listener);
      socket.connect(new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()), 1000);
      // A socket timeout alone would never fire: each byte comes well within it.
      socket.setSoTimeout(1000);
      long started = System.nanoTime();
      long deadline = started + Duration.ofMillis(700).toNanos();
      DeadlineInputStream in = new DeadlineInputStream(socket.getInputStream(), socket, () -> deadline);

      assertThatThrownBy(() -> {
        while (in.read() >= 0) {
          // keep reading
        }
      }).isInstanceOf(SocketTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(600),
          Duration.ofMillis(3000));
    }
  }

  /** The owner may move the deadline for each step of a conversation. */
  @Test
  void theDeadlineIsAskedAtEveryRead() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket socket = new Socket()) {
      trickle(listener);
      socket.connect(new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()), 1000);
      long[] deadline = {System.nanoTime() - 1};
      DeadlineInputStream in = new DeadlineInputStream(socket.getInputStream(), socket, () -> deadline[0]);

      assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
      deadline[0] = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      assertThat(in.read()).isEqualTo('x');
    }
  }
}
