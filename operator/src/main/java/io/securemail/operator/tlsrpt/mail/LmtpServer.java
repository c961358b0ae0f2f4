package io.securemail.operator.tlsrpt.mail;

import io.securemail.operator.tlsrpt.ReportIntake;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * A listening LMTP server (RFC 2033) for TLS report mail: one thread accepts, a bounded pool
 * serves one connection per thread. Every connection is bounded in time twice: each read waits at
 * most the idle timeout, and a deadline closes the connection however busy it is. A connection
 * beyond the pool's size is told 421 and closed at once, so the MTA retries later (RFC 5321
 * section 3.8). Nothing a client does reaches the operator's other threads.
 */
public final class LmtpServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LmtpServer.class);

  private final ServerSocket socket;
  private final LmtpLimits limits;
  private final ReportIntake intake;
  private final String hostname;
  private final ThreadPoolExecutor sessions;
  private final ScheduledExecutorService deadlines;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean closed;

  private LmtpServer(ServerSocket socket, LmtpLimits limits, ReportIntake intake, String hostname) {
    this.socket = socket;
    this.limits = limits;
    this.intake = intake;
    this.hostname = hostname;
    this.sessions = new ThreadPoolExecutor(0, limits.maxConnections(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        daemons("tlsrpt-lmtp"));
    this.deadlines = Executors.newSingleThreadScheduledExecutor(daemons("tlsrpt-lmtp-deadline"));
    this.acceptor = daemons("tlsrpt-lmtp-accept").newThread(this::acceptLoop);
  }

  /**
   * Listens and serves until {@link #close()}.
   *
   * @param address where to listen; port 0 picks a free port ({@link #port()})
   * @param hostname the name in the greeting and LHLO reply
   */
  public static LmtpServer start(InetSocketAddress address, LmtpLimits limits, ReportIntake intake, String hostname)
      throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(address, 50);
    LmtpServer server = new LmtpServer(socket, limits, intake, hostname);
    server.acceptor.start();
    return server;
  }

  /** The port listened on. */
  public int port() {
    return socket.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warnf("LMTP receiver: accepting a connection failed: %s", e.getMessage());
        }
        continue;
      }
      try {
        sessions.execute(() -> serve(client));
      } catch (RejectedExecutionException e) {
        refuse(client);
      }
    }
  }

  private void serve(Socket client) {
    open.add(client);
    ScheduledFuture<?> deadline = deadlines.schedule(() -> closeQuietly(client),
        limits.connectionDeadline().toMillis(), TimeUnit.MILLISECONDS);
    try {
      client.setSoTimeout((int) limits.idleTimeout().toMillis());
      client.setTcpNoDelay(true);
      new LmtpSession(new BufferedInputStream(client.getInputStream()),
          new BufferedOutputStream(client.getOutputStream()), limits, intake, hostname).run();
    } catch (SocketTimeoutException e) {
      LOG.debugf("LMTP receiver: %s idle too long, closed", client.getRemoteSocketAddress());
    } catch (SocketException e) {
      LOG.debugf("LMTP receiver: connection from %s closed: %s", client.getRemoteSocketAddress(), e.getMessage());
    } catch (IOException | RuntimeException e) {
      LOG.warnf("LMTP receiver: connection from %s failed: %s", client.getRemoteSocketAddress(), e.toString());
    } finally {
      deadline.cancel(false);
      open.remove(client);
      closeQuietly(client);
    }
  }

  /** Beyond the connection limit: a 421 reply and the end, without waiting for the client. */
  private void refuse(Socket client) {
    try (client) {
      client.setSoTimeout(1000);
      OutputStream out = client.getOutputStream();
      out.write("421 4.3.2 too many connections to the report receiver, try again later\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException e) {
      // The client is gone already: nothing to tell it.
    }
  }

  private static void closeQuietly(Socket client) {
    try {
      client.close();
    } catch (IOException e) {
      // Closing to end the connection: an error here changes nothing.
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      // Stopping: the socket is gone either way.
    }
    open.forEach(LmtpServer::closeQuietly);
    sessions.shutdownNow();
    deadlines.shutdownNow();
  }

  private static ThreadFactory daemons(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
