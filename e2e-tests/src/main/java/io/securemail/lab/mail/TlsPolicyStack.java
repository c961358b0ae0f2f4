package io.securemail.lab.mail;

import io.securemail.lab.support.ManagedProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The MTA image's outbound TLS policy services, run from the repository as the image runs them:
 * Debian's {@code mta-sts-daemon} (postfix-mta-sts-resolver) with the image's configuration, and
 * {@code securemail-tls-policy} in front of it, the socketmap server Postfix asks
 * ({@code smtp_tls_policy_maps = socketmap:inet:ADDRESS:8462:postfix}). Both are children of this
 * JVM ({@link ManagedProcess}), listen on one loopback address, and see a resolv.conf of the
 * caller's choice (normally the lab's validating resolver,
 * {@link io.securemail.lab.dns.DnsLab#resolvConf()}) through a
 * private mount namespace: {@code unshare -m sh -c 'mount --bind RESOLV /etc/resolv.conf && exec
 * ...'}, so nothing on the machine changes.
 *
 * <p>mta-sts-daemon fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} with aiohttp,
 * whose TLS context is Python's default ({@code ssl.create_default_context}, OpenSSL's default
 * verify paths), so {@code SSL_CERT_FILE} names the CA it trusts: the lab's, instead of the
 * machine's public CAs. Proxy variables are removed from its environment (it would use them).
 *
 * <p>Needs root (mount namespaces), util-linux's unshare, and the Debian packages
 * postfix-mta-sts-resolver and python3-dnspython (the system Python, /usr/bin/python3).
 */
public final class TlsPolicyStack implements AutoCloseable {

  /** Where the image's files are, relative to the repository. */
  public static final String IMAGE_DIR = "operator/src/main/docker/mta";
  /** The policy daemon's port, as in the image. */
  public static final int POLICY_PORT = 8462;
  /** mta-sts-daemon's port, as in the image. */
  public static final int MTA_STS_PORT = 8461;
  /** The socketmap name Postfix sends (the last field of the socketmap: table name). */
  public static final String MAP_NAME = "postfix";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(30);
  private static final List<String> PROXY_VARIABLES = List.of("http_proxy", "https_proxy", "HTTP_PROXY",
      "HTTPS_PROXY", "all_proxy", "ALL_PROXY");

  private final String address;
  private final Path dir;
  private final ManagedProcess mtaSts;
  private final ManagedProcess policy;

  private TlsPolicyStack(String address, Path dir, ManagedProcess mtaSts, ManagedProcess policy) {
    this.address = address;
    this.dir = dir;
    this.mtaSts = mtaSts;
    this.policy = policy;
  }

  /**
   * Starts mta-sts-daemon ({@value #MTA_STS_PORT}) and the policy daemon ({@value #POLICY_PORT})
   * on {@code address} and returns once both accept connections.
   *
   * @param repoDir the repository checkout (the image's files under {@value #IMAGE_DIR})
   * @param dir where the configuration copy and the logs go
   * @param address a loopback address, e.g. 127.0.4.2
   * @param resolvConf the resolv.conf both daemons see
   * @param caFile the CA certificates (PEM) mta-sts-daemon trusts for policy servers
   */
  public static TlsPolicyStack start(Path repoDir, Path dir, String address, Path resolvConf, Path caFile)
      throws IOException {
    Path image = repoDir.resolve(IMAGE_DIR);
    Files.createDirectories(dir);
    for (int port : List.of(MTA_STS_PORT, POLICY_PORT)) {
      if (accepts(address, port)) {
        throw new IllegalStateException(address + ":" + port + " is in use (a lab's TLS policy stack still "
            + "running? see `ss -ltnp`)");
      }
    }
    // The image's configuration, listening on the lab address instead of 127.0.0.1.
    String yml = Files.readString(image.resolve("mta-sts-daemon.yml"));
    if (!yml.contains("\nhost: 127.0.0.1\n")) {
      throw new IllegalStateException("the image's mta-sts-daemon.yml no longer says host: 127.0.0.1");
    }
    Path config = dir.resolve("mta-sts-daemon.yml");
    Files.writeString(config, yml.replace("\nhost: 127.0.0.1\n", "\nhost: " + address + "\n"));
    ManagedProcess mtaSts = ManagedProcess.start("mta-sts-daemon " + address, inNamespace(resolvConf,
        "/usr/bin/mta-sts-daemon", "--config", config.toString(), "--verbosity", "info"),
        Map.of("SSL_CERT_FILE", caFile.toAbsolutePath().toString()), dir.resolve("mta-sts-daemon.log"));
    ManagedProcess policy = null;
    try {
      mtaSts.awaitReady(START_TIMEOUT, () -> accepts(address, MTA_STS_PORT));
      policy = ManagedProcess.start("securemail-tls-policy " + address, inNamespace(resolvConf,
          "/usr/bin/python3", image.resolve("securemail-tls-policy").toString(), "--listen", address,
          "--port", String.valueOf(POLICY_PORT), "--upstream", address,
          "--upstream-port", String.valueOf(MTA_STS_PORT)), Map.of(), dir.resolve("securemail-tls-policy.log"));
      policy.awaitReady(START_TIMEOUT, () -> accepts(address, POLICY_PORT));
    } catch (IOException | RuntimeException e) {
      if (policy != null) {
        policy.close();
      }
      mtaSts.close();
      throw e;
    }
    System.out.printf("[lab] TLS policy stack on %s: securemail-tls-policy :%d (log %s) -> mta-sts-daemon :%d "
        + "(log %s), resolv.conf %s%n", address, POLICY_PORT, policy.log(), MTA_STS_PORT, mtaSts.log(), resolvConf);
    return new TlsPolicyStack(address, dir, mtaSts, policy);
  }

  /** The command run with {@code resolvConf} bind-mounted on /etc/resolv.conf in a private mount namespace. */
  private static List<String> inNamespace(Path resolvConf, String... command) {
    StringBuilder script = new StringBuilder("mount --bind ").append(quote(resolvConf.toAbsolutePath().toString()))
        .append(" /etc/resolv.conf && exec env");
    for (String variable : PROXY_VARIABLES) {
      script.append(" -u ").append(variable);
    }
    for (String part : command) {
      script.append(' ').append(quote(part));
    }
    return List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", script.toString());
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\"'\"'") + "'";
  }

  private static boolean accepts(String address, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The policy daemon's reply for a next-hop domain, as Postfix receives it (e.g. "OK dane", "NOTFOUND "). */
  public String lookup(String domain) throws IOException {
    return socketmap(address, POLICY_PORT, MAP_NAME + " " + domain);
  }

  /** mta-sts-daemon's own reply, asked directly: what Postfix would get without the policy daemon. */
  public String lookupMtaSts(String domain) throws IOException {
    return socketmap(address, MTA_STS_PORT, MAP_NAME + " " + domain);
  }

  /**
   * One socketmap request and its reply (postfix socketmap_table(5)): netstrings
   * {@code <length>:<bytes>,} both ways.
   */
  public static String socketmap(String address, int port, String request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 2000);
      socket.setSoTimeout((int) LOOKUP_TIMEOUT.toMillis());
      byte[] payload = request.getBytes(StandardCharsets.UTF_8);
      OutputStream out = socket.getOutputStream();
      out.write((payload.length + ":").getBytes(StandardCharsets.US_ASCII));
      out.write(payload);
      out.write(',');
      out.flush();
      return readNetstring(socket.getInputStream());
    }
  }

  static String readNetstring(InputStream in) throws IOException {
    int length = 0;
    int digits = 0;
    for (int c = in.read(); c != ':'; c = in.read()) {
      if (c < '0' || c > '9' || ++digits > 6) {
        throw new IOException("not a netstring reply (byte " + c + ")");
      }
      length = length * 10 + (c - '0');
    }
    byte[] data = in.readNBytes(length);
    if (data.length != length || in.read() != ',') {
      throw new IOException("truncated netstring reply");
    }
    return new String(data, StandardCharsets.UTF_8);
  }

  public String address() {
    return address;
  }

  /** The policy daemon's log: one line per decision. */
  public Path policyLog() {
    return policy.log();
  }

  public Path mtaStsLog() {
    return mtaSts.log();
  }

  public Path dir() {
    return dir;
  }

  /** Stops mta-sts-daemon alone (a lab fault: the policy daemon's upstream is down). */
  public void stopMtaStsDaemon() {
    mtaSts.close();
  }

  /** Whether both daemons are still running (one bad client must not end either). */
  public boolean isRunning() {
    return policy.isAlive() && mtaSts.isAlive();
  }

  @Override
  public void close() {
    try {
      policy.close();
    } finally {
      mtaSts.close();
    }
  }

  /** Sends raw bytes to the policy daemon and returns what it answers before closing (for robustness tests). */
  public byte[] sendRaw(byte[] bytes) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, POLICY_PORT), 2000);
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      socket.shutdownOutput();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(answer);
      return answer.toByteArray();
    }
  }
}
