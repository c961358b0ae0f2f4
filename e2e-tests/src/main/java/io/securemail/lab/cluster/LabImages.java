package io.securemail.lab.cluster;

import io.securemail.lab.support.ManagedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The project's container images, built by the lab's own Docker daemon with no registry at all:
 *
 * <ol>
 *   <li>a Debian 12 base made from Debian's packages by mmdebstrap (cached as a tarball, made once)
 *       and imported as {@link #BASE}: the stand-in for {@code debian:12-slim}, which cannot be
 *       pulled here, and shaped like it (see {@link #baseTarball});
 *   <li>on it, with the classic builder and the host's network (the daemon gives containers no
 *       NAT, and RUN apt-get must reach Debian's mirror), the node's pod sandbox image and the
 *       three images the chart deploys, tagged as a release would be, so the chart's defaults name
 *       them.
 * </ol>
 *
 * <p>Docker's layer cache makes a second run fast: only what changed is rebuilt. The operator's
 * image is built from the current fast-jar every time (COPY compares the files' content).
 */
public final class LabImages {

  /** Where the chart's default image references point. */
  public static final String REGISTRY = "ghcr.io/securemail";
  /** The imported Debian base every image is built on. */
  public static final String BASE = "securemail-lab/debian:bookworm";

  private static final String PAUSE = "securemail-lab/pause:1";
  private static final String TARBALL = "debian-bookworm-slim.tar";
  private static final Duration BASE_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);

  /**
   * Keeps package installs from starting services, as in Debian's official image. A setup hook,
   * not a customize hook: mmdebstrap removes the policy-rc.d it finds at its end unless told to
   * leave it alone (--skip=chroot/policy-rc.d), and this one also serves during the bootstrap.
   */
  private static final String POLICY_RC_D = "mkdir -p \"$1/usr/sbin\" && printf '#!/bin/sh\\nexit 101\\n' "
      + "> \"$1/usr/sbin/policy-rc.d\" && chmod 0755 \"$1/usr/sbin/policy-rc.d\"";

  /**
   * What else makes the mmdebstrap tree look like Debian's official slim image (debuerreotype's
   * "minimizing config"): apt keeps neither package files nor caches in an image layer.
   */
  private static final String CUSTOMIZE = """
      #!/bin/sh
      set -eu
      clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true";'
      cat > "$1/etc/apt/apt.conf.d/docker-clean" <<EOF
      DPkg::Post-Invoke { $clean };
      APT::Update::Post-Invoke { $clean };
      Dir::Cache::pkgcache "";
      Dir::Cache::srcpkgcache "";
      EOF
      echo 'Acquire::Languages "none";' > "$1/etc/apt/apt.conf.d/docker-no-languages"
      # apt's package caches (some 70 MB), which mmdebstrap leaves; apt-get update rebuilds them.
      rm -f "$1"/var/cache/apt/*.bin
      """;

  /** debian:12-slim's dpkg filter: no manuals, documentation (but copyrights) or translations. */
  private static final List<String> SLIM = List.of(
      "path-exclude=/usr/share/doc/*", "path-include=/usr/share/doc/*/copyright", "path-exclude=/usr/share/man/*",
      "path-exclude=/usr/share/groff/*", "path-exclude=/usr/share/info/*", "path-exclude=/usr/share/lintian/*",
      "path-exclude=/usr/share/linda/*", "path-exclude=/usr/share/locale/*",
      "path-include=/usr/share/locale/locale.alias");

  private final String version;

  private LabImages(String version) {
    this.version = version;
  }

  /**
   * Makes every image present and current in the daemon.
   *
   * @param repoDir the repository checkout; the operator's fast-jar must have been built
   *     ({@code operator/target/quarkus-app})
   * @param cacheDir the lab's cache (the base tarball goes to {@code images/} in it)
   * @param version the project version, the images' tag
   */
  public static LabImages build(ContainerEngine engine, Path repoDir, Path cacheDir, String version)
      throws IOException {
    long started = System.nanoTime();
    LabImages images = new LabImages(version);
    Path fastJar = repoDir.resolve("operator/target/quarkus-app/quarkus-run.jar");
    if (!Files.isRegularFile(fastJar)) {
      throw new IllegalStateException("no " + fastJar + ": build the operator first (./mvnw -B -DskipTests install)");
    }
    importBase(engine, baseTarball(cacheDir.resolve("images")));
    Path docker = repoDir.resolve("operator/src/main/docker");
    images.build(engine, images.pause(), repoDir.resolve("e2e-tests/lab/pause/Dockerfile"),
        repoDir.resolve("e2e-tests/lab/pause"));
    images.build(engine, images.operator(), docker.resolve("Dockerfile"), repoDir.resolve("operator"));
    images.build(engine, images.mta(), docker.resolve("mta/Dockerfile"), docker.resolve("mta"));
    images.build(engine, images.policyServer(), docker.resolve("policy-server/Dockerfile"),
        docker.resolve("policy-server"));
    // A rebuilt image leaves its predecessor untagged; without this the data root only grows.
    engine.docker(Duration.ofMinutes(2), List.of("image", "prune", "--force"));
    log("all built", started);
    return images;
  }

  public String operator() {
    return REGISTRY + "/securemail-operator:" + version;
  }

  public String mta() {
    return REGISTRY + "/securemail-mta:" + version;
  }

  public String policyServer() {
    return REGISTRY + "/securemail-policy-server:" + version;
  }

  /** The node's pod sandbox image (the kubelet's --pod-infra-container-image). */
  public String pause() {
    return PAUSE;
  }

  /**
   * The base's root filesystem, made once: minbase (essential packages and apt), merged /usr by
   * symbolic links as debootstrap makes it (not the usrmerge package, which pulls in Perl), slim's
   * dpkg filter, which also applies to every package the Dockerfiles install later, a policy-rc.d
   * and apt's clean-up (see {@link #POLICY_RC_D} and {@link #CUSTOMIZE}). It comes
   * from the Debian mirror, security updates included; delete the file for a newer one.
   */
  static Path baseTarball(Path dir) throws IOException {
    Path tarball = dir.resolve(TARBALL);
    if (Files.isRegularFile(tarball)) {
      return tarball;
    }
    if (ManagedProcess.find("mmdebstrap").isEmpty()) {
      throw new IllegalStateException("mmdebstrap is missing: install Debian's mmdebstrap "
          + "(run e2e-tests/lab/provision.sh)");
    }
    long started = System.nanoTime();
    Files.createDirectories(dir);
    Path hook = dir.resolve("customize-base.sh");
    Files.writeString(hook, CUSTOMIZE);
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    // Written beside, then renamed: a run killed half-way leaves no truncated base behind.
    Path partial = dir.resolve(TARBALL + ".partial");
    Files.deleteIfExists(partial);
    List<String> command = new ArrayList<>(List.of("mmdebstrap", "--variant=minbase", "--format=tar", "--quiet",
        "--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr", "--skip=chroot/policy-rc.d",
        "--setup-hook=" + POLICY_RC_D, "--customize-hook=" + hook));
    SLIM.forEach(filter -> command.add("--dpkgopt=" + filter));
    command.addAll(List.of("bookworm", partial.toString()));
    Path log = dir.resolve("mmdebstrap.log");
    Process mmdebstrap = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
    try {
      if (!mmdebstrap.waitFor(BASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        mmdebstrap.destroyForcibly();
        throw new IllegalStateException("mmdebstrap did not finish within " + BASE_TIMEOUT + "; log " + log);
      }
    } catch (InterruptedException e) {
      mmdebstrap.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making the base image", e);
    }
    if (mmdebstrap.exitValue() != 0) {
      throw new IllegalStateException("mmdebstrap failed (" + mmdebstrap.exitValue() + "); log " + log + ":\n"
          + ManagedProcess.tail(log));
    }
    Files.move(partial, tarball, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    log("base " + tarball.getFileName() + " made by mmdebstrap", started);
    return tarball;
  }

  /**
   * Imports the tarball as {@link #BASE} unless the daemon has this very tarball already (the
   * image's comment names its size and time: a new tarball is imported again).
   */
  static void importBase(ContainerEngine engine, Path tarball) throws IOException {
    long started = System.nanoTime();
    String identity = "securemail-lab base " + tarball.getFileName() + " " + Files.size(tarball) + " "
        + Files.getLastModifiedTime(tarball).toMillis();
    ManagedProcess.Completed present = engine.docker("image", "inspect", "--format", "{{.Comment}}", BASE);
    if (present.exitCode() == 0 && present.output().equals(identity)) {
      return;
    }
    // The official image's command; nothing else of its configuration is needed.
    engine.dockerOrFail(Duration.ofMinutes(5), List.of("import", "--change", "CMD [\"bash\"]", "--message", identity,
        tarball.toString(), BASE));
    log("base imported as " + BASE, started);
  }

  private void build(ContainerEngine engine, String tag, Path dockerfile, Path context) throws IOException {
    long started = System.nanoTime();
    ManagedProcess.Completed done = engine.docker(BUILD_TIMEOUT, List.of("build", "--network=host", "--force-rm",
        "--build-arg", "BASE=" + BASE, "-f", dockerfile.toString(), "-t", tag, context.toString()));
    if (done.exitCode() != 0) {
      throw new IllegalStateException("building " + tag + " from " + dockerfile + " failed:\n" + tail(done.output()));
    }
    String size = engine.docker("image", "inspect", "--format", "{{.Size}}", tag).output();
    log(tag + " built (" + megabytes(size) + ")", started);
  }

  private static String megabytes(String bytes) {
    try {
      return Long.parseLong(bytes) / 1_000_000 + " MB";
    } catch (NumberFormatException e) {
      return "size unknown";
    }
  }

  /** The end of a build's output: the failing step and its error are there. */
  private static String tail(String output) {
    List<String> lines = output.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  private static void log(String what, long startedNanos) {
    long seconds = Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds();
    System.out.printf("[lab] images: %s in %d s%n", what, seconds);
  }
}
