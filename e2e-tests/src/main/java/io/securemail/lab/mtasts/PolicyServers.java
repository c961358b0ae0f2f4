package io.securemail.lab.mtasts;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.support.HttpProbe;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.operator.mtasts.PolicyServerConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The lab's MTA-STS policy servers: the program the operator deploys (nginx, Debian's 1.22 here)
 * with the configuration the operator renders ({@link PolicyServerConfig#nginxConf}), on loopback
 * addresses {@link #ADDRESSES} instead of a Pod. {@link #mount} starts one for a namespace, fed from
 * that namespace's site Secrets as the kubelet feeds the Pod ({@link PolicyMount}).
 *
 * <p>How nginx runs here: {@code nginx -e stderr -c DIR/nginx.conf -p DIR/} as a child of this JVM
 * (the configuration says {@code daemon off;}), stderr and stdout into {@code DIR/nginx.log}, stopped
 * by its pid (SIGTERM: nginx's fast shutdown; the master ends its workers). {@code -e stderr} keeps
 * nginx from opening its compiled-in error log under /var/log before it has read the configuration.
 * It needs root (ports 443 and 80) and {@code user root;} in the configuration, so that the workers
 * can read the lab's files (the container image runs unprivileged and names no user). Everything
 * nginx writes (pid file, temporary files) is under {@code DIR/tmp}.
 */
public final class PolicyServers implements AutoCloseable {

  /** The lab's policy server addresses, 127.0.2.1 to 127.0.2.10: one server each. */
  public static final List<String> ADDRESSES = IntStream.rangeClosed(1, 10).mapToObj(i -> "127.0.2." + i).toList();

  public static final int HTTPS_PORT = 443;
  public static final int HTTP_PORT = 80;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Path dir;
  private final Path nginx;
  private final Map<String, PolicyMount> mounts = new HashMap<>();
  private final Map<String, FaultyPolicyServer> faulty = new HashMap<>();

  private PolicyServers(Path dir, Path nginx) {
    this.dir = dir;
    this.nginx = nginx;
  }

  /** Checks that nginx can be run; starts no server until {@link #mount}. */
  public static PolicyServers start(Path dir) throws IOException {
    Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (!Integer.valueOf(0).equals(uid)) {
      throw new IllegalStateException("the lab's policy servers need root (port 443 on 127.0.2.x); running as uid "
          + uid);
    }
    Path nginx = Stream.of("/usr/sbin/nginx", "/usr/bin/nginx").map(Path::of).filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new IllegalStateException("program nginx not found (Debian package nginx). "
            + "Run e2e-tests/lab/provision.sh as root once."));
    Path absolute = dir.toAbsolutePath();
    Files.createDirectories(absolute);
    ManagedProcess.Completed version = ManagedProcess.run(List.of(nginx.toString(), "-v"));
    System.out.printf("[lab] MTA-STS policy servers: %s, on %s to %s when mounted%n", version.output(),
        ADDRESSES.get(0), ADDRESSES.get(ADDRESSES.size() - 1));
    return new PolicyServers(absolute, nginx);
  }

  /**
   * Starts a policy server on {@code address} (ports 443 and 80) for the namespace: its files follow
   * the namespace's site Secrets ({@link io.securemail.operator.mtasts.PolicySite}) until the
   * returned mount is closed, which stops the server. Returns once nginx answers. One server per
   * address.
   */
  public PolicyMount mount(KubernetesClient client, String namespace, String address) throws IOException {
    return mount(client, namespace, address, null);
  }

  /**
   * {@link #mount(KubernetesClient, String, String)} with the policy hosts passing {@code POST /tlsrpt}
   * to a TLS report receiver, as the operator configures its policy servers when the chart gives it one.
   */
  public PolicyMount mount(KubernetesClient client, String namespace, String address,
      PolicyServerConfig.ReportProxy reports) throws IOException {
    if (!ADDRESSES.contains(address)) {
      throw new IllegalArgumentException(address + " is not a lab policy server address; they are " + ADDRESSES);
    }
    Path serverDir = dir.resolve(namespace).resolve(address);
    Files.createDirectories(serverDir.resolve("tmp"));
    PolicyMount mount = new PolicyMount(this, client, namespace, address, serverDir);
    synchronized (this) {
      requireUnused(address);
      mounts.put(address, mount);
    }
    PolicyServerConfig.Layout layout = new PolicyServerConfig.Layout(address + ":" + HTTPS_PORT,
        address + ":" + HTTP_PORT, mount.siteDir().toString(), serverDir.resolve("tmp").toString(), "root");
    try {
      mount.start(nginx, PolicyServerConfig.nginxConf(layout, reports));
    } catch (IOException | RuntimeException e) {
      mount.close();
      throw e;
    }
    System.out.printf("[lab] policy server of namespace %s on %s (https %d, http %d), pid %d, config %s%n", namespace,
        address, HTTPS_PORT, HTTP_PORT, mount.pid(), mount.configFile());
    return mount;
  }

  /**
   * A lab fault: starts nginx on {@code address} (ports 443 and 80) serving each policy the wrong
   * way its {@link FaultyPolicyServer.Fault} says, with a configuration of the lab's own, not the
   * operator's. Returns once nginx answers; closing the server stops it. One server per address.
   */
  public FaultyPolicyServer serveFaulty(String address, List<FaultyPolicyServer.Policy> policies) throws IOException {
    if (!ADDRESSES.contains(address)) {
      throw new IllegalArgumentException(address + " is not a lab policy server address; they are " + ADDRESSES);
    }
    FaultyPolicyServer server = new FaultyPolicyServer(this, address, dir.resolve("faulty").resolve(address));
    synchronized (this) {
      requireUnused(address);
      faulty.put(address, server);
    }
    try {
      String config = server.prepare(policies);
      for (int port : List.of(HTTPS_PORT, HTTP_PORT)) {
        requirePortFree(address, port);
      }
      Files.writeString(server.configFile(), config);
      ManagedProcess process = ManagedProcess.start("nginx (faulty) " + address, List.of(nginx.toString(), "-e",
          "stderr", "-c", server.configFile().toString(), "-p", server.dir() + "/"), Map.of(), server.log());
      server.started(process);
      process.awaitReady(START_TIMEOUT, () -> HttpProbe.ok("http://" + address + ":" + HTTP_PORT + "/healthz")
          && accepts(address, HTTPS_PORT));
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    System.out.printf("[lab] faulty MTA-STS policy server (a lab fault) on %s: %s, config %s%n", address,
        String.join(", ", policies.stream().map(p -> p.host() + " " + p.fault()).toList()), server.configFile());
    return server;
  }

  private void requireUnused(String address) {
    if (mounts.containsKey(address) || faulty.containsKey(address)) {
      throw new IllegalStateException(address + " already serves "
          + (mounts.containsKey(address) ? mounts.get(address) : faulty.get(address)));
    }
  }

  synchronized void unmounted(FaultyPolicyServer server) {
    faulty.remove(server.address(), server);
  }

  /** Writes the configuration and starts nginx; returns once it answers on its HTTP port. */
  ManagedProcess startNginx(PolicyMount mount, Path binary, String config) throws IOException {
    for (int port : List.of(HTTPS_PORT, HTTP_PORT)) {
      requirePortFree(mount.address(), port);
    }
    Files.writeString(mount.configFile(), config);
    ManagedProcess process = ManagedProcess.start("nginx " + mount.address(), List.of(binary.toString(), "-e", "stderr",
        "-c", mount.configFile().toString(), "-p", mount.dir() + "/"), Map.of(), mount.log());
    try {
      String health = "http://" + mount.address() + ":" + HTTP_PORT + PolicyServerConfig.HEALTH_PATH;
      process.awaitReady(START_TIMEOUT, () -> HttpProbe.ok(health) && accepts(mount.address(), HTTPS_PORT));
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
    return process;
  }

  private static void requirePortFree(String address, int port) throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
    } catch (BindException e) {
      throw new IllegalStateException("nginx cannot listen on " + address + ":" + port + ", it is in use (another "
          + "lab's policy server still running, or the machine's own nginx on port 80? see `ss -ltnp`)", e);
    }
  }

  private static boolean accepts(String address, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  synchronized void unmounted(PolicyMount mount) {
    mounts.remove(mount.address(), mount);
  }

  public List<String> addresses() {
    return ADDRESSES;
  }

  /** Stops every server still mounted. */
  @Override
  public void close() {
    List<AutoCloseable> open;
    synchronized (this) {
      open = new ArrayList<>(mounts.values());
      open.addAll(faulty.values());
    }
    for (AutoCloseable server : open) {
      try {
        server.close();
      } catch (Exception e) {
        System.out.printf("[lab] could not stop %s: %s%n", server, e);
      }
    }
  }
}
