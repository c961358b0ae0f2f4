package io.securemail.lab.mail;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.securemail.lab.support.LabPki;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kubelet's part for one lab MX host: a Secret "mounted" into the Postfix listener on one
 * address. Whenever the Secret's {@code tls.crt} and {@code tls.key} change to a usable pair (both
 * present, the certificate readable and the key matching it), the listener serves them from the
 * next connection on. Anything else leaves the last good pair in place, as a mail server keeps its
 * certificate when a reload would fail. Closing the mount stops watching and restores the
 * address's throwaway certificate.
 */
public final class MxMount implements AutoCloseable {

  private final PostfixServer server;
  private final KubernetesClient client;
  private final String namespace;
  private final String secretName;
  private final String address;
  private final AtomicInteger installed = new AtomicInteger();
  private volatile String servedCertificate;
  private volatile String servedKey;
  private volatile SharedIndexInformer<Secret> informer;
  private volatile boolean closed;
  private boolean paused;
  private Secret pending;

  MxMount(PostfixServer server, KubernetesClient client, String namespace, String secretName, String address) {
    this.server = server;
    this.client = client;
    this.namespace = namespace;
    this.secretName = secretName;
    this.address = address;
  }

  void start() {
    // An informer on this one Secret: it lists, then watches, and re-lists after a dropped watch.
    informer = client.secrets().inNamespace(namespace).withName(secretName).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Secret secret) {
        apply(secret);
      }

      @Override
      public void onUpdate(Secret oldSecret, Secret secret) {
        apply(secret);
      }

      @Override
      public void onDelete(Secret secret, boolean deletedFinalStateUnknown) {
        // A running Pod keeps the files of a deleted Secret.
      }
    });
  }

  private synchronized void apply(Secret secret) {
    if (closed) {
      return;
    }
    if (paused) {
      pending = secret;
      return;
    }
    String certificate = data(secret, "tls.crt");
    String key = data(secret, "tls.key");
    if (certificate.isBlank() || key.isBlank() || certificate.equals(servedCertificate) && key.equals(servedKey)) {
      return;
    }
    try {
      List<X509Certificate> chain = LabPki.parseCertificates(certificate);
      KeyPair pair = LabPki.parsePrivateKey(key);
      if (!LabPki.samePublicKey(chain.get(0).getPublicKey(), pair.getPublic())) {
        System.out.printf("[lab] MX %s: the key in Secret %s/%s does not match its certificate; still serving the "
            + "previous one%n", address, namespace, secretName);
        return;
      }
    } catch (IllegalArgumentException e) {
      System.out.printf("[lab] MX %s: Secret %s/%s holds no usable certificate and key (%s); still serving the "
          + "previous one%n", address, namespace, secretName, e.getMessage());
      return;
    }
    server.serve(address, certificate, key);
    servedCertificate = certificate;
    servedKey = key;
    installed.incrementAndGet();
  }

  private static String data(Secret secret, String key) {
    Map<String, String> data = secret.getData();
    String value = data == null ? null : data.get(key);
    return value == null ? "" : new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII);
  }

  public String address() {
    return address;
  }

  public String namespace() {
    return namespace;
  }

  public String secretName() {
    return secretName;
  }

  /**
   * Stops passing Secret changes on, as a kubelet that lags behind (or a Pod that has not reloaded)
   * would: the listener keeps serving what it has until {@link #resume}.
   */
  public synchronized void pause() {
    paused = true;
  }

  /**
   * Passes on the latest Secret content seen while paused, and every change from now on; the
   * listener serves the Secret's pair again even if something else was installed meanwhile.
   */
  public synchronized void resume() {
    paused = false;
    if (pending != null) {
      Secret latest = pending;
      pending = null;
      apply(latest);
    } else if (servedCertificate != null) {
      server.serve(address, servedCertificate, servedKey);
    }
  }

  /** How many certificate/key pairs from the Secret the listener has been given so far. */
  public int certificatesInstalled() {
    return installed.get();
  }

  /** Stops following the Secret without touching what the listener serves. */
  synchronized void stopWatching() {
    closed = true;
    if (informer != null) {
      informer.close();
      informer = null;
    }
  }

  @Override
  public void close() {
    stopWatching();
    server.unmounted(this);
  }

  @Override
  public String toString() {
    return "Secret " + namespace + "/" + secretName;
  }
}
