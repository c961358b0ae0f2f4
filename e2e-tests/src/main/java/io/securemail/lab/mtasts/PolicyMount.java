package io.securemail.lab.mtasts;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.lab.support.VolumeDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One MTA-STS policy server of the lab: nginx with the operator's own configuration on one loopback
 * address, its policies and certificates directories fed from a namespace's ConfigMap
 * {@value PolicyServers#POLICIES} and Secret {@value PolicyServers#TLS} the way the kubelet feeds
 * the policy server's Pod its two volumes: every key a file, replaced together when the object
 * changes ({@link VolumeDirectory}). A deleted object empties its directory (the server of a
 * namespace whose objects are gone serves nothing). nginx reads the files per request and
 * handshake, so it is never reloaded.
 *
 * <p>{@link #pause()} holds changes back as a lagging kubelet does (its sync period is about a
 * minute); {@link #resume()} writes the latest state of both objects.
 */
public final class PolicyMount implements AutoCloseable {

  private final PolicyServers servers;
  private final KubernetesClient client;
  private final String namespace;
  private final String address;
  private final Path dir;
  private final VolumeDirectory policies;
  private final VolumeDirectory tls;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private ManagedProcess nginx;
  private Map<String, byte[]> latestPolicies = Map.of();
  private Map<String, byte[]> latestTls = Map.of();
  private boolean paused;
  private boolean closed;

  PolicyMount(PolicyServers servers, KubernetesClient client, String namespace, String address, Path dir)
      throws IOException {
    this.servers = servers;
    this.client = client;
    this.namespace = namespace;
    this.address = address;
    this.dir = dir;
    this.policies = new VolumeDirectory(dir.resolve("policies"), "rw-r--r--");
    this.tls = new VolumeDirectory(dir.resolve("tls"), "rw-------");
  }

  /** Starts following both objects (the first list writes what exists), then nginx. */
  void start(Path nginxBinary, String config) throws IOException {
    informers.add(follow(client.configMaps().inNamespace(namespace).withName(PolicyServers.POLICIES),
        PolicyMount::files, true));
    informers.add(follow(client.secrets().inNamespace(namespace).withName(PolicyServers.TLS),
        PolicyMount::files, false));
    nginx = servers.startNginx(this, nginxBinary, config);
  }

  private <T extends HasMetadata> SharedIndexInformer<T> follow(Resource<T> object, Function<T, Map<String, byte[]>> files,
      boolean isPolicies) {
    // An informer on one object: it lists, then watches, and re-lists after a dropped watch.
    return object.inform(new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T obj) {
        seen(isPolicies, files.apply(obj));
      }

      @Override
      public void onUpdate(T oldObj, T obj) {
        seen(isPolicies, files.apply(obj));
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        seen(isPolicies, Map.of());
      }
    });
  }

  private synchronized void seen(boolean isPolicies, Map<String, byte[]> files) {
    if (isPolicies) {
      latestPolicies = files;
    } else {
      latestTls = files;
    }
    if (!paused && !closed) {
      write();
    }
  }

  private void write() {
    try {
      // Served from the next request (policies) and handshake (certificates) on.
      policies.write(latestPolicies);
      tls.write(latestTls);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the policy server's files under " + dir, e);
    }
  }

  static Map<String, byte[]> files(ConfigMap configMap) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    if (configMap.getData() != null) {
      configMap.getData().forEach((key, text) -> files.put(key, text.getBytes(StandardCharsets.UTF_8)));
    }
    if (configMap.getBinaryData() != null) {
      configMap.getBinaryData().forEach((key, base64) -> files.put(key, Base64.getDecoder().decode(base64)));
    }
    return files;
  }

  static Map<String, byte[]> files(Secret secret) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((key, base64) -> files.put(key, Base64.getDecoder().decode(base64)));
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((key, text) -> files.put(key, text.getBytes(StandardCharsets.UTF_8)));
    }
    return files;
  }

  /**
   * Stops writing changes of the ConfigMap and Secret into the directories, as a kubelet that lags
   * behind: nginx keeps serving the files it has until {@link #resume}.
   */
  public synchronized void pause() {
    paused = true;
  }

  /** Writes the latest state of both objects, and every change from now on. */
  public synchronized void resume() {
    paused = false;
    if (!closed) {
      write();
    }
  }

  /** Whether a change of the ConfigMap or Secret seen while paused is not in the directories yet. */
  public synchronized boolean hasPendingChanges() {
    return !policies.holds(latestPolicies) || !tls.holds(latestTls);
  }

  public String address() {
    return address;
  }

  public String namespace() {
    return namespace;
  }

  public int httpsPort() {
    return PolicyServers.HTTPS_PORT;
  }

  public int httpPort() {
    return PolicyServers.HTTP_PORT;
  }

  /** The directory nginx reads the policies from ({@code mta-sts.<domain>.txt}). */
  public Path policiesDir() {
    return policies.dir();
  }

  /** The directory nginx reads the certificates and keys from ({@code mta-sts.<domain>.crt|key}). */
  public Path tlsDir() {
    return tls.dir();
  }

  /** This server's directory: nginx.conf, nginx.log, policies/, tls/, tmp/. */
  public Path dir() {
    return dir;
  }

  public Path configFile() {
    return dir.resolve("nginx.conf");
  }

  /** nginx's log (its error log is stderr). */
  public Path log() {
    return dir.resolve("nginx.log");
  }

  /** The nginx master process's pid. */
  public long pid() {
    return nginx.pid();
  }

  /** The pids of nginx's master and its workers: a reload or restart changes them. */
  public List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    pids.add(nginx.pid());
    ProcessHandle.of(nginx.pid()).ifPresent(master -> master.children().map(ProcessHandle::pid).sorted()
        .forEach(pids::add));
    return pids;
  }

  public boolean isRunning() {
    return nginx != null && nginx.isAlive();
  }

  /** Stops following the objects; the files stay as they are. */
  synchronized void stopWatching() {
    closed = true;
    for (SharedIndexInformer<?> informer : informers) {
      informer.close();
    }
    informers.clear();
  }

  /** Stops following the objects and stops nginx. */
  @Override
  public void close() {
    stopWatching();
    if (nginx != null) {
      nginx.close();
    }
    servers.unmounted(this);
  }

  @Override
  public String toString() {
    return "policy server " + address + " of namespace " + namespace;
  }
}
