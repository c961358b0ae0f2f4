package io.securemail.lab.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An MX host that misbehaves on purpose, on port 25 of a lab address ({@link #ADDRESSES}): what a
 * hostile or broken peer does to a prober, so the operator can be shown not to care. One thread
 * per connection; closing stops everything.
 */
public final class HostileMx implements AutoCloseable {

  /** The lab addresses hostile MX hosts listen on. */
  public static final List<String> ADDRESSES = List.of("127.0.7.1", "127.0.7.2", "127.0.7.3", "127.0.7.4");

  /** What the peer does with every connection. */
  public enum Behaviour {
    /** A greeting that never ends: "220-" lines as fast as the client takes them. */
    ENDLESS_BANNER,
    /** A normal greeting, one byte per second. */
    ONE_BYTE_A_SECOND,
    /** Accepts and never says a word. */
    TARPIT,
    /** Greets, offers STARTTLS, accepts it, then resets the connection in the middle of the handshake. */
    RESET_IN_HANDSHAKE
  }

  private final ServerSocket listener;
  private final Behaviour behaviour;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  private HostileMx(ServerSocket listener, Behaviour behaviour) {
    this.listener = listener;
    this.behaviour = behaviour;
  }

  /** Listens on {@code address} port 25 (root: a privileged port). */
  public static HostileMx start(String address, Behaviour behaviour) throws IOException {
    if (!ADDRESSES.contains(address)) {
      throw new IllegalArgumentException(address + " is not a hostile MX address; they are " + ADDRESSES);
    }
    ServerSocket listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(new InetSocketAddress(InetAddress.getByName(address), LabMta.SMTP_PORT), 50);
    HostileMx mx = new HostileMx(listener, behaviour);
    Thread acceptor = new Thread(mx::acceptLoop, "hostile-mx-" + address);
    acceptor.setDaemon(true);
    acceptor.start();
    System.out.printf("[lab] hostile MX on %s:%d: %s%n", address, LabMta.SMTP_PORT, behaviour);
    return mx;
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        connections.incrementAndGet();
        open.add(socket);
        Thread session = new Thread(() -> serve(socket), "hostile-mx-session");
        session.setDaemon(true);
        session.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      switch (behaviour) {
        case ENDLESS_BANNER -> {
          byte[] line = "220-welcome, and welcome again\r\n".getBytes(StandardCharsets.US_ASCII);
          while (true) {
            out.write(line);
          }
        }
        case ONE_BYTE_A_SECOND -> {
          for (byte b : "220 slow.hostile.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII)) {
            out.write(b);
            out.flush();
            Thread.sleep(1000);
          }
          in.read();
        }
        case TARPIT -> in.read(); // until the client gives up
        case RESET_IN_HANDSHAKE -> {
          write(out, "220 reset.hostile.test ESMTP\r\n");
          for (String command = readLine(in); command != null; command = readLine(in)) {
            if (command.toUpperCase().startsWith("EHLO")) {
              write(out, "250-reset.hostile.test\r\n250 STARTTLS\r\n");
            } else if (command.equalsIgnoreCase("STARTTLS")) {
              write(out, "220 2.0.0 Ready to start TLS\r\n");
              in.read(new byte[5]); // the start of the ClientHello
              socket.setSoLinger(true, 0); // closing now sends RST
              return;
            } else {
              write(out, "250 ok\r\n");
            }
          }
        }
        default -> throw new IllegalStateException(behaviour.name());
      }
    } catch (IOException | InterruptedException e) {
      // The client hung up: what this peer is for.
    } finally {
      open.remove(socket);
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\n') {
        return line.toString().trim();
      }
      line.append((char) c);
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket socket : open) {
      socket.close();
    }
  }
}
