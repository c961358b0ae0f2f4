package io.securemail.e2e;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS-over-TCP relay in front of the lab's authoritative server (RFC 1035 section 4.2.2: each
 * message behind a two-byte length). It passes queries and answers through, and can lose the
 * answers to UPDATEs: the server applied the change, the client never hears of it, as when a
 * connection breaks or the operator dies at that moment.
 */
final class DnsTcpProxy implements AutoCloseable {

  /** What happens once the server has answered an UPDATE, before the answer would go back. */
  interface OnUpdateAnswer {
    /** @return true to pass the answer on, false to lose it (the client's connection is closed) */
    boolean answered(int updateNumber) throws Exception;
  }

  private final InetSocketAddress upstream;
  private final ServerSocket listener;
  private final AtomicInteger updates = new AtomicInteger();
  private volatile OnUpdateAnswer onUpdate = n -> true;
  private final Thread acceptor;
  /** Open client connections: the client keeps TCP connections for reuse, and closing the relay ends them too. */
  private final java.util.Set<Socket> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();

  DnsTcpProxy(String upstreamAddress, int upstreamPort) throws IOException {
    this(upstreamAddress, upstreamPort, 0);
  }

  DnsTcpProxy(String upstreamAddress, int upstreamPort, int port) throws IOException {
    this.upstream = new InetSocketAddress(upstreamAddress, upstreamPort);
    this.listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    acceptor = new Thread(this::accept, "dns-tcp-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** host:port, as spec.dns.rfc2136.server takes it. */
  String address() {
    return listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** UPDATE messages the server has answered through this relay. */
  int updates() {
    return updates.get();
  }

  void onUpdateAnswer(OnUpdateAnswer action) {
    this.onUpdate = action;
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        connections.add(client);
        Thread t = new Thread(() -> relay(client), "dns-tcp-proxy-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void relay(Socket client) {
    try (client; Socket server = new Socket()) {
      server.connect(upstream, 5_000);
      var fromClient = new DataInputStream(client.getInputStream());
      var toClient = new DataOutputStream(client.getOutputStream());
      var fromServer = new DataInputStream(server.getInputStream());
      var toServer = new DataOutputStream(server.getOutputStream());
      while (true) {
        byte[] query = frame(fromClient);
        toServer.writeShort(query.length);
        toServer.write(query);
        toServer.flush();
        byte[] answer = frame(fromServer);
        boolean isUpdate = query.length > 2 && ((query[2] >> 3) & 0x0F) == 5; // OPCODE 5, RFC 2136 section 2.2
        if (isUpdate && !onUpdate.answered(updates.incrementAndGet())) {
          return; // lost: the connection closes without the answer
        }
        toClient.writeShort(answer.length);
        toClient.write(answer);
        toClient.flush();
      }
    } catch (Exception endOfConversation) {
      // the client or the server closed the connection
    } finally {
      connections.remove(client);
    }
  }

  private static byte[] frame(DataInputStream in) throws IOException {
    int length = in.readUnsignedShort();
    byte[] message = new byte[length];
    in.readFully(message);
    return message;
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket connection : connections) {
      connection.close();
    }
  }
}
