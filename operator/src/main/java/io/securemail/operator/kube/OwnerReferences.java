package io.securemail.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.securemail.operator.api.SecureMailDomain;

/** Owner references that let the garbage collector remove a domain's objects with it. */
public final class OwnerReferences {

  private OwnerReferences() {}

  public static OwnerReference to(SecureMailDomain domain) {
    return new OwnerReferenceBuilder().withApiVersion(domain.getApiVersion()).withKind(domain.getKind())
        .withName(domain.getMetadata().getName()).withUid(domain.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(false).build();
  }

  /**
   * An owner reference for an object several domains share: not the controller (only one owner may
   * be), and the garbage collector deletes the object when its last owner is gone.
   */
  public static OwnerReference shared(SecureMailDomain domain) {
    return new OwnerReferenceBuilder().withApiVersion(domain.getApiVersion()).withKind(domain.getKind())
        .withName(domain.getMetadata().getName()).withUid(domain.getMetadata().getUid())
        .withController(false).withBlockOwnerDeletion(false).build();
  }

  /** Whether the object is owned by this domain (same uid), i.e. ours to change or delete. */
  public static boolean ownedBy(HasMetadata object, SecureMailDomain domain) {
    return object != null && object.getMetadata().getOwnerReferences().stream()
        .anyMatch(ref -> ref.getUid().equals(domain.getMetadata().getUid()));
  }
}
