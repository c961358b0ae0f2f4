package io.securemail.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.securemail.operator.api.SecureMailDomain;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The status writes this process made, so that the watch event each one causes does not reconcile
 * the domain again: that reconcile would only find the status it just wrote. Every other update is
 * news (a spec change, an annotation, a finalizer, a status someone else wrote).
 *
 * <p>A write is known by the resourceVersion the API server gave it; an event that overtakes the
 * write's answer is let through, which costs one reconcile that writes nothing. The SDK builds the
 * filter from its class, so what it consults is shared by the process.
 */
public final class OwnStatusWrites implements OnUpdateFilter<SecureMailDomain> {

  /** Per domain uid, the resourceVersion of the last status this process wrote. */
  private static final Map<String, String> WRITTEN = new ConcurrentHashMap<>();

  /** Remembers the resource as the API server returned it from a status write. */
  static void wrote(SecureMailDomain written) {
    if (written != null && written.getMetadata().getUid() != null
        && written.getMetadata().getResourceVersion() != null) {
      WRITTEN.put(written.getMetadata().getUid(), written.getMetadata().getResourceVersion());
    }
  }

  /** Forgets a deleted domain. */
  static void forget(SecureMailDomain domain) {
    if (domain.getMetadata().getUid() != null) {
      WRITTEN.remove(domain.getMetadata().getUid());
    }
  }

  @Override
  public boolean accept(SecureMailDomain now, SecureMailDomain before) {
    String version = now.getMetadata().getResourceVersion();
    return version == null || !WRITTEN.remove(now.getMetadata().getUid(), version);
  }
}
