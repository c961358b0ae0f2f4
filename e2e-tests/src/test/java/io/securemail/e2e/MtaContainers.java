package io.securemail.e2e;

import io.securemail.lab.Lab;
import io.securemail.lab.support.VolumeDirectory;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.mta.MtaManifests;
import io.securemail.operator.mta.MtaSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * The MTA image the lab builds, run on the lab's Docker daemon the way the operator's Pod runs its
 * postfix container: the image, user, capabilities, read-only root, environment, DNS, sysctls and
 * mounts are read from the StatefulSet {@link MtaManifests} renders. The configuration and TLS
 * directories are laid out as the kubelet mounts a ConfigMap and a Secret; the Pod's emptyDirs and
 * its queue volume are host directories, as on a node.
 */
final class MtaContainers {

  private MtaContainers() {}

  /** What the lab's operator renders the MTA with: the lab's image and the cluster's DNS. */
  static MtaSettings settings(Lab lab) {
    return new MtaSettings(lab.images().mta(), "cluster.local", "10.96.0.10");
  }

  /** The Pod template of the StatefulSet the operator renders for the domain. */
  static PodSpec pod(SecureMailDomain domain, MtaSettings settings) {
    return MtaManifests.statefulSet(domain, settings, "test").getSpec().getTemplate().getSpec();
  }

  /** The Pod's postfix container. */
  static Container postfixSpec(PodSpec pod) {
    return pod.getContainers().stream().filter(c -> c.getName().equals("postfix")).findFirst().orElseThrow();
  }

  /** The capabilities the Pod's postfix container adds after dropping ALL. */
  static List<String> capabilities(PodSpec pod) {
    return postfixSpec(pod).getSecurityContext().getCapabilities().getAdd();
  }

  /** A new directory for one container's volumes: {@code e2e-tests/target/<name>-<time>}. */
  static Path workDir(String name) throws IOException {
    Path repo = Path.of(System.getProperty("securemail.repo.dir", "..")).toAbsolutePath().normalize();
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
    return Files.createDirectories(repo.resolve("e2e-tests/target/" + name + "-" + stamp));
  }

  /**
   * Host directories that stand in for the Pod's volumes.
   *
   * @param config the ConfigMap volume (defaultMode 0644)
   * @param tls the Secret volume (defaultMode 0400, as the StatefulSet sets it)
   * @param queue the claim template's volume: a fresh PersistentVolume, an empty directory of root's
   * @param dir where the emptyDirs are made
   */
  record Volumes(VolumeDirectory config, VolumeDirectory tls, Path queue, Path dir) {

    static Volumes in(Path dir) throws IOException {
      return new Volumes(new VolumeDirectory(dir.resolve("config"), "rw-r--r--", null),
          new VolumeDirectory(dir.resolve("tls"), "r--------", null), Files.createDirectories(dir.resolve("queue")), dir);
    }
  }

  /**
   * A container (not started) of the Pod's postfix container: its image, user, environment, DNS,
   * sysctls, read-only root and no privilege escalation, with every capability dropped and
   * {@code capabilities} added, and the volumes mounted where the Pod mounts them.
   *
   * @param capabilities the Pod's ({@link #capabilities}), or a set to try instead
   */
  static GenericContainer<?> postfix(PodSpec pod, Collection<String> capabilities, Volumes volumes) throws IOException {
    Container spec = postfixSpec(pod);
    GenericContainer<?> postfix = new GenericContainer<>(DockerImageName.parse(spec.getImage()));
    spec.getEnv().forEach(env -> postfix.withEnv(env.getName(), env.getValue()));
    Map<String, String> tmpfs = new HashMap<>();
    for (VolumeMount mount : spec.getVolumeMounts()) {
      Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
          .orElse(null);
      if (volume == null) {
        postfix.withFileSystemBind(volumes.queue().toString(), mount.getMountPath(), BindMode.READ_WRITE); // the claim template
      } else if (volume.getConfigMap() != null) {
        postfix.withFileSystemBind(volumes.config().dir().toString(), mount.getMountPath(), BindMode.READ_ONLY);
      } else if (volume.getSecret() != null) {
        postfix.withFileSystemBind(volumes.tls().dir().toString(), mount.getMountPath(), BindMode.READ_ONLY);
      } else if (volume.getEmptyDir() != null && "Memory".equals(volume.getEmptyDir().getMedium())) {
        tmpfs.put(mount.getMountPath(), "rw,mode=1777");
      } else if (volume.getEmptyDir() != null) {
        // A directory of root's with mode 0777, as the kubelet makes an emptyDir. Not Docker's
        // tmpfs: that takes the mode of the image's directory it covers, which a Pod never sees.
        Path empty = Files.createDirectories(volumes.dir().resolve("empty-" + volume.getName()));
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rwxrwxrwx"));
        postfix.withFileSystemBind(empty.toString(), mount.getMountPath(), BindMode.READ_WRITE);
      } else {
        throw new IllegalStateException("no stand-in for volume " + volume);
      }
    }
    SecurityContext security = spec.getSecurityContext();
    return postfix.withTmpFs(tmpfs).withCreateContainerCmdModifier(cmd -> {
      cmd.withUser(String.valueOf(security.getRunAsUser()));
      HostConfig host = cmd.getHostConfig();
      host.withCapDrop(Capability.ALL)
          .withCapAdd(capabilities.stream().map(Capability::valueOf).toArray(Capability[]::new))
          .withReadonlyRootfs(security.getReadOnlyRootFilesystem())
          .withDns(pod.getDnsConfig().getNameservers())
          .withDnsSearch(pod.getDnsConfig().getSearches());
      if (Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
        host.withSecurityOpts(List.of("no-new-privileges"));
      }
      Map<String, String> sysctls = new HashMap<>();
      pod.getSecurityContext().getSysctls().forEach(s -> sysctls.put(s.getName(), s.getValue()));
      host.withSysctls(sysctls);
    });
  }

  /**
   * Ready once Postfix's master has started. Not the port: Docker's proxy accepts on the host's
   * port whether or not Postfix listens.
   */
  static WaitStrategy daemonStarted() {
    return Wait.forLogMessage(".*postfix/master\\[\\d+\\]: daemon started.*", 1)
        .withStartupTimeout(Duration.ofSeconds(90));
  }

  static InspectContainerResponse inspect(GenericContainer<?> container) {
    return container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec();
  }

  /**
   * Waits for the container to exit and returns its final state; fails with its log if it still
   * runs after {@code timeout}.
   */
  static InspectContainerResponse.ContainerState awaitExit(GenericContainer<?> container, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      InspectContainerResponse.ContainerState state = inspect(container).getState();
      if (!Boolean.TRUE.equals(state.getRunning())) {
        return state;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("still running after " + timeout + "; log:\n" + container.getLogs());
      }
      Thread.sleep(200);
    }
  }
}
