package io.securemail.operator.certs;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.api.CaaSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.compliance.caa.CaaIssuer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CAs a domain's certificates come from, for its CAA records and for the cert.caa check.
 *
 * <p>An ACME issuer whose server {@link AcmeCas} knows gives its CA's domain, pinned to the
 * account cert-manager registered ({@code accounturi}, RFC 8657 section 3) and to the challenge
 * types its solvers answer ({@code validationmethods}, section 4), so only this cluster's account,
 * validating the way it does, can obtain certificates for the names. Values in
 * {@code spec.certificates.caa.issuers} are added as written. Another issuer (a CA issuer, Vault,
 * an external issuer) names no CA the operator could know: with no values listed, nothing is
 * published and the check can only say whether some CA may issue.
 *
 * @param published the issue values the CAA records carry; empty when none are published
 * @param expected the CAs the check requires CAA to allow; empty when not known
 */
public record CaaIssuance(List<CaaIssuer> published, List<CaaIssuer> expected) {

  public static final CaaIssuance NONE = new CaaIssuance(List.of(), List.of());

  public CaaIssuance {
    published = List.copyOf(published);
    expected = List.copyOf(expected);
  }

  /** Reads the domain's issuer from cert-manager (one GET, only while an issuer is named). */
  public static CaaIssuance of(SecureMailDomain domain, KubernetesClient client) {
    var certs = domain.getSpec().getCertificates();
    if (certs.getIssuerRef() == null) {
      return decide(certs.getCaa(), Optional.empty());
    }
    return decide(certs.getCaa(), AcmeAccount.of(domain, client));
  }

  /** Pure: the issuance for the spec's CAA settings and the issuer's ACME account, if it has one. */
  public static CaaIssuance decide(CaaSpec caa, Optional<AcmeAccount> acme) {
    Optional<CaaIssuer> fromAcme = acme.flatMap(CaaIssuance::issuer);
    List<CaaIssuer> listed = caa == null || caa.getIssuers() == null ? List.of()
        : caa.getIssuers().stream().map(CaaIssuance::listed).flatMap(Optional::stream).toList();
    List<CaaIssuer> expected = fromAcme.map(List::of).orElse(listed);
    if (caa != null && Boolean.FALSE.equals(caa.getEnabled())) {
      return new CaaIssuance(List.of(), expected);
    }
    Map<String, CaaIssuer> published = new LinkedHashMap<>();
    fromAcme.ifPresent(i -> published.put(i.value(), i));
    listed.forEach(i -> published.putIfAbsent(i.value(), i));
    return new CaaIssuance(new ArrayList<>(published.values()), expected);
  }

  /** The CAA value that pins issuance to this ACME account; empty for a server of unknown CA. */
  static Optional<CaaIssuer> issuer(AcmeAccount account) {
    return AcmeCas.caaDomain(account.server()).map(domain -> {
      CaaIssuer issuer = CaaIssuer.of(domain);
      if (account.accountUri() != null) {
        issuer = issuer.with(CaaIssuer.ACCOUNT_URI, account.accountUri());
      }
      if (!account.methods().isEmpty()) {
        issuer = issuer.with(CaaIssuer.VALIDATION_METHODS, String.join(",", account.methods()));
      }
      return issuer;
    });
  }

  /** A value of spec.certificates.caa.issuers; the spec validation has refused any that names no CA. */
  private static Optional<CaaIssuer> listed(String value) {
    try {
      CaaIssuer issuer = CaaIssuer.parse(value);
      return issuer.namesCa() ? Optional.of(issuer) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
