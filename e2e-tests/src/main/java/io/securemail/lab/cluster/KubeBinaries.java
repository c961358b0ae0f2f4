package io.securemail.lab.cluster;

import io.securemail.lab.support.LabCache;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where lab/provision.sh put the Kubernetes 1.20.2 binaries it built from Debian's source
 * (kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy), beside links to
 * Debian's etcd and the machine's kubectl.
 */
public final class KubeBinaries {

  public static final String VERSION = "1.20.2";

  private KubeBinaries() {}

  /** {@code $SECUREMAIL_CACHE/kubernetes/1.20.2}, by default under ~/.cache/securemail. */
  public static Path dir() {
    Path dir = LabCache.dir().resolve("kubernetes").resolve(VERSION);
    for (String binary : new String[] {"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet",
        "kube-proxy", "etcd"}) {
      if (!Files.isExecutable(dir.resolve(binary))) {
        throw new IllegalStateException("no " + binary + " in " + dir + ": run e2e-tests/lab/provision.sh (as root, once)");
      }
    }
    return dir;
  }

  public static Path etcd() {
    return dir().resolve("etcd");
  }

  public static Path binary(String name) {
    return dir().resolve(name);
  }
}
