package io.securemail.lab.mail;

import io.securemail.lab.support.LabPki;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A recording mail server for the lab: the mail store behind the MTA (LMTP, RFC 2033, or SMTP,
 * RFC 5321) or a destination on the internet (SMTP on port 25). It accepts every message for any
 * recipient and keeps it, with its envelope and how it arrived (TLS protocol and suite, or none).
 * STARTTLS (RFC 3207) is offered with a self-signed certificate of its own (or one given), TLS 1.2
 * and newer;
 * {@link #requireTls} makes it refuse mail before STARTTLS. {@link #down} makes it answer every new
 * connection with 421 and close it (RFC 5321 section 3.8: the service is not available), as a
 * mail store that is restarting would, so the sender has to queue.
 *
 * <p>Each listener is one address and port and speaks one protocol; a sink may have several.
 */
public final class MailStoreSink implements AutoCloseable {

  /** The protocol a listener speaks. */
  public enum Protocol { SMTP, LMTP }

  /**
   * One message as the sink received it.
   *
   * @param protocol SMTP or LMTP
   * @param listener the address:port it arrived at
   * @param helo the client's EHLO/LHLO/HELO argument
   * @param mailFrom the reverse path, without angle brackets
   * @param recipients the forward paths, without angle brackets
   * @param data the message (headers and body) with dot-stuffing undone, CRLF line ends
   * @param tlsProtocol e.g. TLSv1.3, or null when the message came in the clear
   * @param tlsCipher the TLS suite, or null
   * @param received when the final dot was read
   */
  public record Message(Protocol protocol, String listener, String helo, String mailFrom, List<String> recipients,
      String data, String tlsProtocol, String tlsCipher, Instant received) {

    public boolean overTls() {
      return tlsProtocol != null;
    }

    /** The header section (up to the first empty line). */
    public String headers() {
      int end = data.indexOf("\r\n\r\n");
      return end < 0 ? data : data.substring(0, end + 2);
    }

    /** Every value of a header field, unfolded, in order. */
    public List<String> header(String name) {
      List<String> values = new ArrayList<>();
      String prefix = name.toLowerCase(Locale.ROOT) + ":";
      StringBuilder current = null;
      for (String line : headers().split("\r\n")) {
        if (current != null && (line.startsWith(" ") || line.startsWith("\t"))) {
          current.append(' ').append(line.strip());
          continue;
        }
        if (current != null) {
          values.add(current.toString());
          current = null;
        }
        if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
          current = new StringBuilder(line.substring(prefix.length()).strip());
        }
      }
      if (current != null) {
        values.add(current.toString());
      }
      return values;
    }

    /** The body after the header section. */
    public String body() {
      int end = data.indexOf("\r\n\r\n");
      return end < 0 ? "" : data.substring(end + 4);
    }
  }

  private static final int MAX_LINE = 10_000;
  private static final int MAX_MESSAGE = 10 * 1024 * 1024;

  private final String name;
  private final SSLContext tls;
  private final X509Certificate certificate;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final List<Message> messages = new CopyOnWriteArrayList<>();
  private final ExecutorService sessions = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "mail-sink-session");
    thread.setDaemon(true);
    return thread;
  });
  private volatile boolean down;
  private volatile boolean requireTls;
  private volatile boolean offerStartTls = true;
  private volatile Predicate<String> unknownRecipient = address -> false;

  /** @param name the host name it greets with and signs its certificate for */
  public MailStoreSink(String name) {
    this(name, LabPki.generateEcdsa(), null);
  }

  /**
   * A sink serving its own certificate over STARTTLS, e.g. one signed by the lab CA.
   *
   * @param name the host name it greets with
   * @param key the key of the certificate
   * @param certificate the certificate it serves (alone, no chain), or null for a self-signed one
   *     naming {@code name}
   */
  public MailStoreSink(String name, KeyPair key, X509Certificate certificate) {
    this.name = name;
    this.certificate = certificate != null ? certificate
        : LabPki.selfSignedServer(key, name, List.of(name), Duration.ofDays(7));
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = "lab".toCharArray();
      store.setKeyEntry("sink", key.getPrivate(), password, new X509Certificate[] {this.certificate});
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      tls = SSLContext.getInstance("TLS");
      tls.init(keys.getKeyManagers(), null, new SecureRandom());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up the mail sink's TLS", e);
    }
  }

  /** Starts a listener on address:port speaking the protocol; returns this sink. */
  public MailStoreSink listen(Protocol protocol, String address, int port) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getByName(address), port), 50);
    Listener listener = new Listener(protocol, server);
    listeners.add(listener);
    Thread accept = new Thread(listener::acceptLoop, "mail-sink-" + address + ":" + port);
    accept.setDaemon(true);
    accept.start();
    return this;
  }

  /** The certificate it serves over STARTTLS. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** While down, every new connection gets 421 and is closed; sessions already open go on. */
  public void down(boolean down) {
    this.down = down;
  }

  /** Refuse MAIL/LHLO transactions before STARTTLS (530 5.7.0). */
  public void requireTls(boolean requireTls) {
    this.requireTls = requireTls;
  }

  /** Whether EHLO/LHLO offers STARTTLS (a destination without TLS when false). */
  public void offerStartTls(boolean offer) {
    this.offerStartTls = offer;
  }

  /**
   * Which recipients it has no mailbox for: RCPT TO for them is refused with 550 5.1.1, as a mail
   * store refuses an unknown user. By default every recipient is known.
   */
  public void unknownRecipients(Predicate<String> unknown) {
    this.unknownRecipient = unknown;
  }

  /** Every message received so far, in order. */
  public List<Message> messages() {
    return List.copyOf(messages);
  }

  /** The messages received so far whose data contains the text (e.g. a unique Subject). */
  public List<Message> messagesContaining(String text) {
    return messages.stream().filter(m -> m.data().contains(text)).toList();
  }

  public Optional<Message> first(Predicate<Message> predicate) {
    return messages.stream().filter(predicate).findFirst();
  }

  /** How many connections each listener has accepted (including refused ones while down). */
  public int connections() {
    return listeners.stream().mapToInt(l -> l.connections).sum();
  }

  @Override
  public void close() {
    for (Listener listener : listeners) {
      listener.close();
    }
    sessions.shutdownNow();
    try {
      sessions.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Listener implements Closeable {
    final Protocol protocol;
    final ServerSocket server;
    final String where;
    volatile int connections;

    Listener(Protocol protocol, ServerSocket server) {
      this.protocol = protocol;
      this.server = server;
      this.where = server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          connections++;
          sessions.execute(() -> new Session(this, socket).run());
        } catch (IOException e) {
          if (!server.isClosed()) {
            System.out.printf("[lab] mail sink %s: accept failed: %s%n", where, e);
          }
        } catch (java.util.concurrent.RejectedExecutionException e) {
          return;
        }
      }
    }

    @Override
    public void close() {
      try {
        server.close();
      } catch (IOException e) {
        // closing
      }
    }
  }

  /** One SMTP or LMTP session. */
  private final class Session {
    private final Listener listener;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private String helo;
    private String mailFrom;
    private final List<String> recipients = new ArrayList<>();
    private String tlsProtocol;
    private String tlsCipher;

    Session(Listener listener, Socket socket) {
      this.listener = listener;
      this.socket = socket;
    }

    void run() {
      try (Socket closing = socket) {
        socket.setSoTimeout(60_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        if (down) {
          reply("421 4.3.2 " + name + " mail store down for maintenance, try again later");
          return;
        }
        reply("220 " + name + " " + listener.protocol + " lab mail sink ready");
        serve();
      } catch (SocketException e) {
        // the client went away
      } catch (IOException e) {
        System.out.printf("[lab] mail sink %s: session ended: %s%n", listener.where, e);
      } finally {
        if (socket != null) {
          try {
            socket.close();
          } catch (IOException e) {
            // closing
          }
        }
      }
    }

    private void serve() throws IOException {
      boolean lmtp = listener.protocol == Protocol.LMTP;
      while (true) {
        String line = readLine();
        if (line == null) {
          return;
        }
        String upper = line.toUpperCase(Locale.ROOT);
        String verb = upper.split(" ", 2)[0];
        switch (verb) {
          case "EHLO", "HELO", "LHLO" -> {
            boolean wrongGreeting = lmtp ? !verb.equals("LHLO") : verb.equals("LHLO");
            if (wrongGreeting) {
              reply("500 5.5.1 " + (lmtp ? "this is LMTP: LHLO" : "this is SMTP: EHLO or HELO"));
              continue;
            }
            helo = line.length() > 5 ? line.substring(5).strip() : "";
            resetTransaction();
            if (verb.equals("HELO")) {
              reply("250 " + name);
            } else {
              List<String> lines = new ArrayList<>(List.of(name, "PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES",
                  "SIZE " + MAX_MESSAGE));
              if (offerStartTls && tlsProtocol == null) {
                lines.add("STARTTLS");
              }
              multiline("250", lines);
            }
          }
          case "STARTTLS" -> {
            if (!offerStartTls || tlsProtocol != null) {
              reply("503 5.5.1 STARTTLS not available");
              continue;
            }
            reply("220 2.0.0 go ahead");
            startTls();
          }
          case "MAIL" -> {
            if (helo == null) {
              reply("503 5.5.1 say hello first");
            } else if (requireTls && tlsProtocol == null) {
              reply("530 5.7.0 Must issue a STARTTLS command first");
            } else if (mailFrom != null) {
              reply("503 5.5.1 nested MAIL command");
            } else if (!upper.startsWith("MAIL FROM:")) {
              reply("501 5.5.4 syntax: MAIL FROM:<address>");
            } else {
              mailFrom = path(line.substring("MAIL FROM:".length()));
              reply("250 2.1.0 ok");
            }
          }
          case "RCPT" -> {
            if (mailFrom == null) {
              reply("503 5.5.1 need MAIL first");
            } else if (!upper.startsWith("RCPT TO:")) {
              reply("501 5.5.4 syntax: RCPT TO:<address>");
            } else {
              String recipient = path(line.substring("RCPT TO:".length()));
              if (unknownRecipient.test(recipient)) {
                reply("550 5.1.1 <" + recipient + ">: no such user here");
              } else {
                recipients.add(recipient);
                reply("250 2.1.5 ok");
              }
            }
          }
          case "DATA" -> {
            if (recipients.isEmpty()) {
              reply("503 5.5.1 need RCPT first");
              continue;
            }
            reply("354 end data with <CR><LF>.<CR><LF>");
            String data = readData();
            if (data == null) {
              return;
            }
            messages.add(new Message(listener.protocol, listener.where, helo, mailFrom, List.copyOf(recipients),
                data, tlsProtocol, tlsCipher, Instant.now()));
            if (lmtp) {
              // RFC 2033 section 4.2: one reply per accepted recipient, in RCPT order.
              for (String recipient : recipients) {
                reply("250 2.0.0 <" + recipient + "> delivered");
              }
            } else {
              reply("250 2.0.0 queued as " + messages.size());
            }
            resetTransaction();
          }
          case "RSET" -> {
            resetTransaction();
            reply("250 2.0.0 ok");
          }
          case "NOOP" -> reply("250 2.0.0 ok");
          case "QUIT" -> {
            reply("221 2.0.0 bye");
            return;
          }
          default -> reply("502 5.5.2 command not implemented");
        }
      }
    }

    private void resetTransaction() {
      mailFrom = null;
      recipients.clear();
    }

    private void startTls() throws IOException {
      SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket,
          socket.getInetAddress().getHostAddress(), socket.getPort(), true);
      secure.setUseClientMode(false);
      secure.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      secure.startHandshake();
      socket = secure;
      in = secure.getInputStream();
      out = secure.getOutputStream();
      tlsProtocol = secure.getSession().getProtocol();
      tlsCipher = secure.getSession().getCipherSuite();
      // RFC 3207 section 4.2: the client starts over with EHLO; nothing from before counts.
      helo = null;
      resetTransaction();
    }

    /** A path without its angle brackets and without ESMTP parameters. */
    private String path(String argument) {
      String value = argument.strip();
      if (value.startsWith("<")) {
        int end = value.indexOf('>');
        return end < 0 ? value.substring(1) : value.substring(1, end);
      }
      int space = value.indexOf(' ');
      return space < 0 ? value : value.substring(0, space);
    }

    /** The message up to the lone dot, with leading dots unstuffed (RFC 5321 section 4.5.2). */
    private String readData() throws IOException {
      StringBuilder data = new StringBuilder();
      while (true) {
        String line = readLine();
        if (line == null) {
          return null;
        }
        if (line.equals(".")) {
          return data.toString();
        }
        if (line.startsWith(".")) {
          line = line.substring(1);
        }
        if (data.length() + line.length() > MAX_MESSAGE) {
          throw new IOException("message larger than " + MAX_MESSAGE + " bytes");
        }
        data.append(line).append("\r\n");
      }
    }

    /** One line without its CRLF (a bare LF also ends it), or null at the end of the stream. */
    private String readLine() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      while (true) {
        int b = in.read();
        if (b < 0) {
          return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
        }
        if (b == '\n') {
          byte[] bytes = line.toByteArray();
          int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
          return new String(bytes, 0, length, StandardCharsets.UTF_8);
        }
        if (line.size() > MAX_LINE) {
          throw new IOException("line longer than " + MAX_LINE + " bytes");
        }
        line.write(b);
      }
    }

    private void reply(String line) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    private void multiline(String code, List<String> lines) throws IOException {
      StringBuilder reply = new StringBuilder();
      for (int i = 0; i < lines.size(); i++) {
        reply.append(code).append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i)).append("\r\n");
      }
      out.write(reply.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }
}
