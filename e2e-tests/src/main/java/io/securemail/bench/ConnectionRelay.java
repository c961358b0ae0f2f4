package io.securemail.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of the MX endpoints that counts, per listening address, the connections
 * clients hold open at the same time: what an MX sees of a client's politeness. A connection counts
 * from its accept until the client closes its side (or it fails), not until the server has closed
 * too, so that a client that closes one conversation and opens the next is not seen overlapping.
 *
 * <p>One thread and one selector serve every address, and each round handles the clients' reads
 * (among them their end-of-stream) before it accepts: on loopback a client's FIN is queued at the
 * relay before its next SYN, so a closed connection is never still counted when the next one from
 * the same client is accepted, whatever the thread scheduling.
 */
final class ConnectionRelay implements AutoCloseable {

  private static final int BUFFER = 64 * 1024;

  /** Per listening address: open connections now, the most at once, and all accepted. */
  private static final class Counts {
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();
    final AtomicInteger accepted = new AtomicInteger();
  }

  /** One relayed connection: the client's side and the server's, each with what is waiting to be written to it. */
  private final class Pair {
    final String listen;
    final SocketChannel client;
    final SocketChannel server;
    boolean clientOpen = true;
    boolean serverOpen = true;

    Pair(String listen, SocketChannel client, SocketChannel server) {
      this.listen = listen;
      this.client = client;
      this.server = server;
    }

    /** The client closed or failed: it no longer holds a connection to the address. */
    void clientDone() {
      if (clientOpen) {
        clientOpen = false;
        counts.get(listen).open.decrementAndGet();
      }
    }

    void closeBoth() {
      clientDone();
      serverOpen = false;
      quietly(client);
      quietly(server);
    }
  }

  private final Selector selector;
  private final Map<String, Counts> counts = new ConcurrentHashMap<>();
  private final Map<String, InetSocketAddress> targets;
  private final List<ServerSocketChannel> listeners = new ArrayList<>();
  private final Thread loop;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);

  /**
   * @param routes listening address -> the endpoint its connections are relayed to; every listener on {@code port}
   */
  private ConnectionRelay(Map<String, InetSocketAddress> routes, int port) throws IOException {
    this.targets = Map.copyOf(routes);
    this.selector = Selector.open();
    try {
      for (String listen : routes.keySet()) {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress(InetAddress.getByName(listen), port), 256);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT, listen);
        listeners.add(server);
        counts.put(listen, new Counts());
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    this.loop = new Thread(this::run, "connection-relay");
    loop.setDaemon(true);
  }

  static ConnectionRelay start(Map<String, InetSocketAddress> routes, int port) throws IOException {
    ConnectionRelay relay = new ConnectionRelay(routes, port);
    relay.loop.start();
    return relay;
  }

  /**
   * Forgets what was counted so far. Connections still open stay counted as open, so a connection
   * accepted next beside one of them is still seen overlapping it.
   */
  void reset() {
    counts.values().forEach(c -> {
      c.most.set(0);
      c.accepted.set(0);
    });
  }

  /** The most connections open at once to any one address since the last reset. */
  int mostAtOnce() {
    return counts.values().stream().mapToInt(c -> c.most.get()).max().orElse(0);
  }

  /** Addresses that saw more than one connection at once since the last reset, with the most seen. */
  Map<String, Integer> overlapping() {
    Map<String, Integer> out = new TreeMap<>();
    counts.forEach((address, c) -> {
      if (c.most.get() > 1) {
        out.put(address, c.most.get());
      }
    });
    return out;
  }

  /** Connections accepted since the last reset, on all addresses. */
  int accepted() {
    return counts.values().stream().mapToInt(c -> c.accepted.get()).sum();
  }

  private void run() {
    try {
      while (selector.isOpen()) {
        selector.select();
        List<SelectionKey> accepts = new ArrayList<>();
        for (SelectionKey key : selector.selectedKeys()) {
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            accepts.add(key);
          } else if (key.isReadable()) {
            relay(key);
          }
        }
        selector.selectedKeys().clear();
        // Reads first (see the class comment), then the new connections.
        for (SelectionKey key : accepts) {
          accept(key);
        }
      }
    } catch (ClosedSelectorException e) {
      // closed: done
    } catch (IOException e) {
      System.err.println("[bench] the connection relay stopped: " + e);
    }
  }

  private void accept(SelectionKey key) {
    String listen = (String) key.attachment();
    SocketChannel client;
    try {
      client = ((ServerSocketChannel) key.channel()).accept();
    } catch (IOException e) {
      return;
    }
    if (client == null) {
      return;
    }
    Counts c = counts.get(listen);
    c.accepted.incrementAndGet();
    c.most.accumulateAndGet(c.open.incrementAndGet(), Math::max);
    SocketChannel server = null;
    try {
      // Loopback: the connect completes at once, so the one thread need not wait for it in the selector.
      server = SocketChannel.open(targets.get(listen));
      // Every write is passed on at once, as a direct connection would carry it: a relay holding
      // back small writes until the other side's ACK (Nagle) would add its own delay to whoever
      // is measured through it.
      client.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      server.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      client.configureBlocking(false);
      server.configureBlocking(false);
      Pair pair = new Pair(listen, client, server);
      client.register(selector, SelectionKey.OP_READ, pair);
      server.register(selector, SelectionKey.OP_READ, pair);
    } catch (IOException e) {
      c.open.decrementAndGet();
      quietly(client);
      quietly(server);
    }
  }

  private void relay(SelectionKey key) {
    Pair pair = (Pair) key.attachment();
    boolean fromClient = key.channel() == pair.client;
    SocketChannel from = fromClient ? pair.client : pair.server;
    SocketChannel to = fromClient ? pair.server : pair.client;
    try {
      buffer.clear();
      int read = from.read(buffer);
      if (read < 0) {
        key.cancel();
        if (fromClient) {
          pair.clientDone();
        } else {
          pair.serverOpen = false;
        }
        if (!pair.clientOpen && !pair.serverOpen) {
          pair.closeBoth();
        } else {
          to.shutdownOutput();
        }
        return;
      }
      buffer.flip();
      // SMTP and its TLS handshake are small next to a loopback socket's buffer; a full one is waited out here.
      while (buffer.hasRemaining()) {
        if (to.write(buffer) == 0) {
          Thread.onSpinWait();
        }
      }
    } catch (IOException e) {
      pair.closeBoth();
    }
  }

  private static void quietly(java.nio.channels.Channel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    try {
      selector.close();
    } catch (IOException e) {
      // closing anyway
    }
    listeners.forEach(ConnectionRelay::quietly);
  }
}
