package io.securemail.lab.cluster;

import io.securemail.lab.support.ManagedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The lab's container engine: Debian's Docker daemon (docker.io), started by the lab on its own
 * socket, state and exec directories, and stopped by its own pid. Nothing of the machine's Docker
 * configuration is read or changed.
 *
 * <ul>
 *   <li>Images and build layers live in a data root under the lab's cache, so the second run reuses
 *       the first run's images.
 *   <li>{@code --iptables=false}: the daemon neither sets the {@code FORWARD} policy to {@code DROP}
 *       nor adds NAT rules to the machine. Its bridge (for Testcontainers' containers) is reached from
 *       the machine directly; builds use the host network to reach Debian's package mirror.
 *   <li>Its socket is at a fixed path, {@link #SOCKET}, so that a test JVM can be given a fixed
 *       {@code DOCKER_HOST} (Testcontainers reads it before any test code runs). One lab per machine.
 *   <li>Every container runs through a small runtime wrapper: this sandbox refuses a negative
 *       {@code oom_score_adj}, which the kubelet asks for on every Pod sandbox (-998) and runc then
 *       fails with "can't get final child's PID from pipe". The wrapper rewrites a negative
 *       {@code process.oomScoreAdj} in the bundle's config.json to 0 and runs runc unchanged.
 * </ul>
 */
public final class ContainerEngine implements AutoCloseable {

  /** The docker.io CLI matches the daemon's API; a newer CLI elsewhere on the PATH may want buildx. */
  private static final String DOCKER_CLI = Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker";
  /** The daemon's bridge for plain containers (Testcontainers); the node's Pods use their own. */
  static final String BRIDGE_CIDR = "10.199.0.1/24";
  /**
   * The daemon's socket. Under /run because Unix socket paths are limited to 108 bytes and the
   * lab's work directory may be deep; its state and exec directories are beside it.
   */
  public static final String SOCKET = "/run/securemail-lab/docker.sock";

  private final ManagedProcess daemon;
  private final Path socket;

  private ContainerEngine(ManagedProcess daemon, Path socket) {
    this.daemon = daemon;
    this.socket = socket;
  }

  /**
   * Starts the daemon.
   *
   * @param workDir where its log and runtime wrapper go (its socket, pid file and exec root are
   *     under the directory of {@link #SOCKET})
   * @param dataRoot its images and containers (kept across runs)
   */
  public static ContainerEngine start(Path workDir, Path dataRoot) throws IOException {
    requirePrograms();
    Path socket = Path.of(SOCKET);
    Path run = Files.createDirectories(socket.getParent());
    claimSocket(socket);
    Files.createDirectories(workDir);
    Files.createDirectories(dataRoot);
    Path wrapper = workDir.resolve("lab-runtime");
    Files.writeString(wrapper, """
        #!/bin/sh
        # runc, with a negative oom_score_adj (refused in this sandbox) raised to 0.
        prev=
        bundle=
        for a in "$@"; do
          if [ "$prev" = "--bundle" ] || [ "$prev" = "-b" ]; then bundle=$a; fi
          case $a in --bundle=*) bundle=${a#--bundle=} ;; esac
          prev=$a
        done
        if [ -n "$bundle" ] && [ -f "$bundle/config.json" ]; then
          sed -i 's/"oomScoreAdj":-[0-9][0-9]*/"oomScoreAdj":0/' "$bundle/config.json"
        fi
        exec runc "$@"
        """);
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    ManagedProcess daemon = ManagedProcess.start("dockerd", List.of(
        "dockerd",
        "--host=unix://" + socket,
        "--data-root=" + dataRoot,
        "--exec-root=" + run.resolve("exec"),
        "--pidfile=" + run.resolve("dockerd.pid"),
        "--add-runtime=lab=" + wrapper,
        "--default-runtime=lab",
        "--oom-score-adjust=0",
        "--iptables=false",
        "--ip-masq=false",
        "--bip=" + BRIDGE_CIDR,
        "--storage-driver=overlay2"),
        Map.of(), workDir.resolve("dockerd.log"));
    ContainerEngine engine = new ContainerEngine(daemon, socket);
    try {
      daemon.awaitReady(Duration.ofSeconds(60), engine::answers);
    } catch (RuntimeException e) {
      daemon.close();
      throw e;
    }
    return engine;
  }

  /**
   * Refuses to start beside a daemon that still answers on the socket (another lab, or one left
   * running); a socket file nobody answers on is what a killed run leaves behind and is removed.
   */
  private static void claimSocket(Path socket) throws IOException {
    if (!Files.exists(socket)) {
      return;
    }
    ManagedProcess.Completed probe = ManagedProcess.run(List.of(DOCKER_CLI, "-H", "unix://" + socket, "version",
        "--format", "{{.Server.Version}}"));
    if (probe.exitCode() == 0) {
      // The caller holds the lab lock (LabLock): a daemon here was left by a lab that was killed.
      Path pidFile = socket.resolveSibling("dockerd.pid");
      String pid = Files.exists(pidFile) ? Files.readString(pidFile).trim() : "";
      java.util.Optional<ProcessHandle> orphan = pid.matches("[0-9]+")
          ? ProcessHandle.of(Long.parseLong(pid)) : java.util.Optional.empty();
      if (orphan.isEmpty()) {
        throw new IllegalStateException("a Docker daemon answers on " + socket + " and its pid is unknown: stop it first");
      }
      ManagedProcess.stopLeftBehind(orphan.get(), "the Docker daemon a killed lab left behind", Duration.ofSeconds(60));
    }
    Files.deleteIfExists(socket);
  }

  private static void requirePrograms() {
    List<String> missing = new ArrayList<>();
    for (String program : List.of("dockerd", "runc", "containerd")) {
      if (ManagedProcess.find(program).isEmpty()) {
        missing.add(program);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("missing " + missing + ": install Debian's docker.io (run e2e-tests/lab/provision.sh)");
    }
  }

  private boolean answers() {
    try {
      return Files.exists(socket) && docker("version", "--format", "{{.Server.Version}}").exitCode() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code unix:///…/docker.sock}: the value of DOCKER_HOST for this daemon. */
  public String host() {
    return "unix://" + socket;
  }

  public Path socket() {
    return socket;
  }

  /** Runs the docker CLI against this daemon (30 s at most), output and errors together. */
  public ManagedProcess.Completed docker(String... args) throws IOException {
    return docker(Duration.ofSeconds(30), List.of(args));
  }

  /** Runs the docker CLI against this daemon, output and errors together. */
  public ManagedProcess.Completed docker(Duration timeout, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(DOCKER_CLI);
    command.addAll(args);
    // The classic builder: BuildKit's Dockerfile frontend would be fetched from a registry.
    return ManagedProcess.run(command, Map.of("DOCKER_HOST", host(), "DOCKER_BUILDKIT", "0"), timeout);
  }

  /** Runs the docker CLI and fails with its output unless it succeeds. */
  public String dockerOrFail(Duration timeout, List<String> args) throws IOException {
    ManagedProcess.Completed done = docker(timeout, args);
    if (done.exitCode() != 0) {
      throw new IllegalStateException("docker " + String.join(" ", args) + " failed (" + done.exitCode() + "):\n"
          + done.output());
    }
    return done.output();
  }

  public boolean isAlive() {
    return daemon.isAlive();
  }

  public Path log() {
    return daemon.log();
  }

  /** Removes every container (the node's and any test's), then stops the daemon. */
  @Override
  public void close() {
    try {
      String ids = docker("ps", "-aq").output();
      if (!ids.isBlank()) {
        List<String> args = new ArrayList<>(List.of("rm", "-f"));
        args.addAll(List.of(ids.split("\\s+")));
        docker(Duration.ofSeconds(60), args);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("[lab] could not remove the lab's containers: " + e.getMessage());
    }
    daemon.terminate(Duration.ofSeconds(30));
    // The daemon leaves its bridge behind; it is the lab's alone.
    try {
      ManagedProcess.run(List.of("ip", "link", "delete", "docker0"));
    } catch (IOException | RuntimeException ignored) {
      // already gone
    }
    try {
      Files.deleteIfExists(socket);
      // The daemon's network namespace handle stays mounted in its exec root after it exits.
      LabNode.unmountBelow(socket.resolveSibling("exec"));
    } catch (IOException ignored) {
      // the directory under /run is the lab's own; a leftover socket file is removed at the next start
    }
  }
}
