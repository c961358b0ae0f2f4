package io.securemail.operator.mta;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import java.util.List;

/** A domain with an MTA, as a user would write it. */
final class MtaFixtures {

  private MtaFixtures() {}

  static SecureMailDomain domain() {
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain("Example.COM");
    spec.setMx(List.of(new MxHost("mx1.example.com", 10), new MxHost("mx2.example.com", 20)));
    MtaSpec mta = new MtaSpec();
    mta.getInbound().setDeliverTo("lmtp:[dovecot.mail.svc.cluster.local]:24");
    spec.setMta(mta);
    SecureMailDomain domain = new SecureMailDomain();
    domain.setMetadata(new ObjectMetaBuilder().withName("example-com").withNamespace("mail").withUid("uid-1").build());
    domain.setSpec(spec);
    return domain;
  }

  /** A client key digest (SHA-256 of a public key), as a user copies it from openssl. */
  static final String CLIENT_KEY = "3b1c2f0e9d8a7b6c5d4e3f201918171615141312111009080706050403020100";

  /** The domain with submission open: two networks and one client key. */
  static SecureMailDomain withSubmission(SecureMailDomain domain) {
    domain.getSpec().getMta().getOutbound().setAllowedNetworks(List.of("10.1.2.0/24", "fd00:1::/64"));
    domain.getSpec().getMta().getSubmission().getClientCertificates().setSpkiSha256(List.of(CLIENT_KEY));
    return domain;
  }
}
