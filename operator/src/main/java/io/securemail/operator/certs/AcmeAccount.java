package io.securemail.operator.certs;

import io.fabric8.certmanager.api.model.acme.v1.ACMEChallengeSolver;
import io.fabric8.certmanager.api.model.v1.ClusterIssuer;
import io.fabric8.certmanager.api.model.v1.Issuer;
import io.fabric8.certmanager.api.model.v1.IssuerSpec;
import io.fabric8.certmanager.api.model.v1.IssuerStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.SecureMailDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What cert-manager says of an ACME issuer: its directory URL ({@code spec.acme.server}), the
 * account it registered ({@code status.acme.uri}, RFC 8555 section 7.3), and the challenge types
 * its solvers answer (RFC 8657 section 4 names them as ACME does: dns-01, http-01).
 *
 * @param server the ACME directory URL
 * @param accountUri the account URL; null before cert-manager has registered the account
 * @param methods the challenge types of every solver, in a fixed order; empty when no solver says
 */
public record AcmeAccount(String server, String accountUri, List<String> methods) {

  public AcmeAccount {
    methods = List.copyOf(methods);
  }

  /**
   * The account of the domain's issuer, when it is a cert-manager ACME Issuer or ClusterIssuer the
   * operator can read; empty for another kind of issuer, an external one, or one that does not exist.
   */
  public static Optional<AcmeAccount> of(SecureMailDomain domain, KubernetesClient client) {
    IssuerRef ref = domain.getSpec().getCertificates().getIssuerRef();
    if (ref == null || !"cert-manager.io".equals(ref.getGroup())) {
      return Optional.empty();
    }
    IssuerSpec spec;
    IssuerStatus status;
    if (ref.getKind() == IssuerRef.Kind.CLUSTER_ISSUER) {
      ClusterIssuer issuer = Issuers.clusterIssuer(client, ref.getName());
      spec = issuer == null ? null : issuer.getSpec();
      status = issuer == null ? null : issuer.getStatus();
    } else {
      Issuer issuer = Issuers.issuer(client, domain.getMetadata().getNamespace(), ref.getName());
      spec = issuer == null ? null : issuer.getSpec();
      status = issuer == null ? null : issuer.getStatus();
    }
    return of(spec, status);
  }

  /** The account an issuer's spec and status describe; empty when the issuer is not an ACME one. */
  static Optional<AcmeAccount> of(IssuerSpec spec, IssuerStatus status) {
    if (spec == null || spec.getAcme() == null) {
      return Optional.empty();
    }
    String uri = status == null || status.getAcme() == null ? null : status.getAcme().getUri();
    List<String> methods = new ArrayList<>();
    List<ACMEChallengeSolver> solvers = spec.getAcme().getSolvers() == null ? List.of() : spec.getAcme().getSolvers();
    // Every solver's type counts, whatever its selector: a CAA record that left one out could
    // refuse an order cert-manager routes to it.
    if (solvers.stream().anyMatch(s -> s.getDns01() != null)) {
      methods.add("dns-01");
    }
    if (solvers.stream().anyMatch(s -> s.getHttp01() != null)) {
      methods.add("http-01");
    }
    return Optional.of(new AcmeAccount(spec.getAcme().getServer(), uri == null || uri.isBlank() ? null : uri,
        methods));
  }
}
