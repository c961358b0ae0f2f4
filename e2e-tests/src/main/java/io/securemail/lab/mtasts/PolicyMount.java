package io.securemail.lab.mtasts;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.lab.support.VolumeDirectory;
import io.securemail.operator.mtasts.PolicySite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One MTA-STS policy server of the lab: nginx with the operator's own configuration on one loopback
 * address, its site directory fed from a namespace's site Secrets ({@link PolicySite}) the way the
 * kubelet feeds the policy server's Pod its projected volume: every key of every shard a file of one
 * directory, replaced together when a shard changes ({@link VolumeDirectory}). A deleted Secret's
 * files go (the server of a namespace whose objects are gone serves nothing). nginx reads the files
 * per request and handshake, so it is never reloaded.
 *
 * <p>{@link #pause()} holds changes back as a lagging kubelet does (its sync period is about a
 * minute); {@link #resume()} writes the latest state of the shards.
 */
public final class PolicyMount implements AutoCloseable {

  /** How long changes of the shards are gathered before the directory is written. */
  static final long COALESCE_MILLIS = 200;

  private final PolicyServers servers;
  private final KubernetesClient client;
  private final String namespace;
  private final String address;
  private final Path dir;
  private final VolumeDirectory site;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final Map<String, Map<String, byte[]>> shards = new TreeMap<>();
  private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "lab-policy-mount-writer");
    thread.setDaemon(true);
    return thread;
  });
  private ManagedProcess nginx;
  private boolean paused;
  private boolean closed;
  private boolean writeScheduled;

  PolicyMount(PolicyServers servers, KubernetesClient client, String namespace, String address, Path dir)
      throws IOException {
    this.servers = servers;
    this.client = client;
    this.namespace = namespace;
    this.address = address;
    this.dir = dir;
    this.site = new VolumeDirectory(dir.resolve("site"), "rw-------");
  }

  /** Starts following the shards (the first list writes what exists), then nginx. */
  void start(Path nginxBinary, String config) throws IOException {
    // An informer on the namespace's Secrets: it lists, then watches, and re-lists after a dropped watch.
    informers.add(client.secrets().inNamespace(namespace).inform(new ResourceEventHandler<Secret>() {
      @Override
      public void onAdd(Secret obj) {
        seen(obj.getMetadata().getName(), files(obj));
      }

      @Override
      public void onUpdate(Secret oldObj, Secret obj) {
        seen(obj.getMetadata().getName(), files(obj));
      }

      @Override
      public void onDelete(Secret obj, boolean deletedFinalStateUnknown) {
        seen(obj.getMetadata().getName(), null);
      }
    }));
    nginx = servers.startNginx(this, nginxBinary, config);
  }

  private synchronized void seen(String secret, Map<String, byte[]> files) {
    if (!PolicySite.secretNames().contains(secret)) {
      return; // not a source of the Pod's projected volume
    }
    if (files == null) {
      shards.remove(secret);
    } else {
      shards.put(secret, files);
    }
    if (!paused && !closed && !writeScheduled) {
      // Changes that come together are written together, as the kubelet syncs a volume (each write
      // is the whole directory: at a thousand domains, one per shard change fell behind by minutes).
      writeScheduled = true;
      writer.schedule(this::writeScheduledChanges, COALESCE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void writeScheduledChanges() {
    writeScheduled = false;
    if (!paused && !closed) {
      write();
    }
  }

  private Map<String, byte[]> latest() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    shards.values().forEach(files::putAll);
    return files;
  }

  private void write() {
    try {
      // Served from the next request (policies) and handshake (certificates) on.
      site.write(latest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the policy server's files under " + dir, e);
    }
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
   * Stops writing changes of the shards into the directory, as a kubelet that lags behind: nginx
   * keeps serving the files it has until {@link #resume}.
   */
  public synchronized void pause() {
    paused = true;
  }

  /** Writes the latest state of the shards, and every change from now on. */
  public synchronized void resume() {
    paused = false;
    if (!closed) {
      write();
    }
  }

  /** Whether a change of a shard seen while paused is not in the directory yet. */
  public synchronized boolean hasPendingChanges() {
    return !site.holds(latest());
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

  /**
   * The directory nginx reads the policies ({@code mta-sts.<domain>.txt}), certificates and keys
   * ({@code mta-sts.<domain>.crt|key}) from.
   */
  public Path siteDir() {
    return site.dir();
  }

  /** This server's directory: nginx.conf, nginx.log, site/, tmp/. */
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
    writer.shutdownNow();
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
