package io.securemail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay's count of connections open at once per address, which the compliance benchmark's politeness figure is. */
class ConnectionRelayTest {

  private static final String LISTEN = "127.0.9.1";
  private static final String OTHER = "127.0.9.2";

  private ServerSocket echo;
  private Thread echoLoop;
  private ConnectionRelay relay;

  @BeforeEach
  void start() throws IOException {
    // A server that answers every line and closes when the client does.
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    echoLoop = new Thread(() -> {
      while (!echo.isClosed()) {
        try {
          Socket s = echo.accept();
          new Thread(() -> {
            try (s; InputStream in = s.getInputStream()) {
              in.transferTo(s.getOutputStream());
            } catch (IOException e) {
              // the client went away
            }
          }).start();
        } catch (IOException e) {
          return;
        }
      }
    });
    echoLoop.setDaemon(true);
    echoLoop.start();
    InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort());
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName(LISTEN))) {
      int port = free.getLocalPort();
      free.close();
      relay = ConnectionRelay.start(Map.of(LISTEN, target, OTHER, target), port);
      this.port = port;
    }
  }

  private int port;

  @AfterEach
  void stop() throws IOException {
    relay.close();
    echo.close();
  }

  @Test
  void oneClientClosingEachConnectionBeforeTheNextIsNeverSeenTwiceAtOnce() throws Exception {
    for (int i = 0; i < 300; i++) {
      try (Socket s = new Socket(LISTEN, port)) {
        s.getOutputStream().write("EHLO a\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(s.getInputStream().readNBytes(8)).isEqualTo("EHLO a\r\n".getBytes(StandardCharsets.US_ASCII));
      }
    }
    awaitAccepted(300);
    assertThat(relay.mostAtOnce()).isEqualTo(1);
    assertThat(relay.overlapping()).isEmpty();
  }

  @Test
  void twoConnectionsToOneAddressAtOnceAreSeen() throws Exception {
    try (Socket a = new Socket(LISTEN, port); Socket b = new Socket(LISTEN, port); Socket c = new Socket(OTHER, port)) {
      for (Socket s : new Socket[] {a, b, c}) {
        s.getOutputStream().write('x');
        assertThat(s.getInputStream().read()).isEqualTo('x');
      }
      assertThat(relay.mostAtOnce()).isEqualTo(2);
      assertThat(relay.overlapping()).isEqualTo(Map.of(LISTEN, 2));
    }
    relay.reset();
    try (Socket d = new Socket(LISTEN, port)) {
      d.getOutputStream().write('y');
      assertThat(d.getInputStream().read()).isEqualTo('y');
    }
    assertThat(relay.mostAtOnce()).as("after a reset, with the earlier connections closed").isEqualTo(1);
  }

  private void awaitAccepted(int count) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (relay.accepted() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(relay.accepted()).isEqualTo(count);
  }
}
