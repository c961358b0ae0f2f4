package io.securemail.operator.compliance.caa;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a Relevant RRset (RFC 8659 section 3) says about issuance by one CA, decided as the CA
 * decides it:
 *
 * <ul>
 *   <li>no records: any CA may issue;
 *   <li>a record with the Issuer Critical Flag and a tag the CA does not know forbids issuance
 *       (section 4.1); the tags counted as known are the ones RFC 8659 defines;
 *   <li>for a wildcard name, {@code issuewild} properties, when there are any, decide instead of
 *       {@code issue} (section 4.3); for any other name only {@code issue} counts;
 *   <li>no such property: issuance is not restricted; otherwise only a CA that one of them names may
 *       issue (section 4.2), and authorizations add up, so {@code issue ";"} beside one that names
 *       the CA forbids nothing; a value that does not match the grammar names no CA;
 *   <li>a property with RFC 8657's {@code accounturi} authorizes only that ACME account, one with
 *       {@code validationmethods} only those challenge types.
 * </ul>
 */
public final class CaaAuthorization {

  /** The decision: allowed, forbidden, or allowed only if the issuer's account or methods are what the records ask. */
  public enum Verdict { ALLOWED, FORBIDDEN, UNCERTAIN }

  /** A decision and the words that explain it, naming the records. */
  public record Decision(Verdict verdict, String reason) {
    public boolean allowed() {
      return verdict == Verdict.ALLOWED;
    }
  }

  private CaaAuthorization() {}

  /** Whether {@code issuer} (its domain, and its account URI and challenge types when known) may issue. */
  public static Decision forIssuer(List<CaaProperty> relevant, CaaIssuer issuer, boolean wildcard) {
    Decision restriction = restriction(relevant, wildcard);
    if (restriction != null) {
      return restriction;
    }
    List<CaaProperty> governing = governing(relevant, wildcard);
    List<String> refusals = new ArrayList<>();
    List<String> uncertain = new ArrayList<>();
    for (CaaProperty property : governing) {
      CaaIssuer named = CaaIssuer.read(property.value());
      if (!named.namesCa() || !named.domain().equals(issuer.domain())) {
        continue;
      }
      String account = named.accountUri().orElse(null);
      if (account != null) {
        if (issuer.accountUri().isEmpty()) {
          uncertain.add(quoted(property) + " allows only ACME account " + account);
          continue;
        }
        // RFC 8657 section 3: the account URI must match exactly.
        if (!account.equals(issuer.accountUri().get())) {
          refusals.add(quoted(property) + " allows only ACME account " + account + ", not "
              + issuer.accountUri().get());
          continue;
        }
      }
      List<String> methods = named.validationMethods();
      if (!methods.isEmpty() || named.parameter(CaaIssuer.VALIDATION_METHODS).isPresent()) {
        List<String> used = issuer.validationMethods();
        if (used.isEmpty()) {
          uncertain.add(quoted(property) + " allows only validation methods " + String.join(",", methods));
          continue;
        }
        List<String> missing = used.stream().filter(m -> !methods.contains(m)).toList();
        if (!missing.isEmpty()) {
          refusals.add(quoted(property) + " allows only validation methods " + String.join(",", methods)
              + ", not " + String.join(",", missing));
          continue;
        }
      }
      return new Decision(Verdict.ALLOWED, quoted(property) + " allows " + issuer.domain());
    }
    if (!uncertain.isEmpty()) {
      return new Decision(Verdict.UNCERTAIN, String.join("; ", uncertain) + ", and the issuer's is not known here");
    }
    if (!refusals.isEmpty()) {
      return new Decision(Verdict.FORBIDDEN, String.join("; ", refusals));
    }
    return new Decision(Verdict.FORBIDDEN, tagFor(relevant, wildcard) + " properties allow only " + named(governing)
        + ", not " + issuer.domain());
  }

  /** Whether some CA may issue: what can be said when the issuer is not known. */
  public static Decision anyIssuer(List<CaaProperty> relevant, boolean wildcard) {
    Decision restriction = restriction(relevant, wildcard);
    if (restriction != null) {
      return restriction;
    }
    List<CaaProperty> governing = governing(relevant, wildcard);
    Set<String> cas = cas(governing);
    if (cas.isEmpty()) {
      return new Decision(Verdict.FORBIDDEN, tagFor(relevant, wildcard) + " properties name no CA ("
          + String.join(", ", governing.stream().map(CaaProperty::presentation).toList()) + "): every CA is forbidden");
    }
    return new Decision(Verdict.ALLOWED, "only " + String.join(", ", cas) + " may issue");
  }

  /** The verdict when the records decide before any CA is looked for: none, a critical unknown tag, or no restriction. */
  private static Decision restriction(List<CaaProperty> relevant, boolean wildcard) {
    if (relevant.isEmpty()) {
      return new Decision(Verdict.ALLOWED, "no CAA records: any CA may issue");
    }
    for (CaaProperty property : relevant) {
      if (property.critical() && !property.definedTag()) {
        return new Decision(Verdict.FORBIDDEN, quoted(property) + " has the critical flag on tag '" + property.tag()
            + "', which CAs that do not know it must treat as forbidding issuance (RFC 8659 section 4.1)");
      }
    }
    if (governing(relevant, wildcard).isEmpty()) {
      return new Decision(Verdict.ALLOWED, "no " + CaaProperty.ISSUE + " property: issuance is not restricted");
    }
    return null;
  }

  /** The properties that decide: issuewild for a wildcard name when there are any (RFC 8659 section 4.3), else issue. */
  private static List<CaaProperty> governing(List<CaaProperty> relevant, boolean wildcard) {
    String tag = tagFor(relevant, wildcard);
    return relevant.stream().filter(p -> p.tag().equals(tag)).toList();
  }

  private static String tagFor(List<CaaProperty> relevant, boolean wildcard) {
    return wildcard && relevant.stream().anyMatch(p -> p.tag().equals(CaaProperty.ISSUEWILD))
        ? CaaProperty.ISSUEWILD : CaaProperty.ISSUE;
  }

  private static Set<String> cas(List<CaaProperty> properties) {
    Set<String> cas = new LinkedHashSet<>();
    properties.stream().map(p -> CaaIssuer.read(p.value())).filter(CaaIssuer::namesCa)
        .forEach(i -> cas.add(i.domain()));
    return cas;
  }

  private static String named(List<CaaProperty> properties) {
    Set<String> cas = cas(properties);
    return cas.isEmpty() ? "no CA" : String.join(", ", cas);
  }

  private static String quoted(CaaProperty property) {
    return "CAA " + property.presentation();
  }
}
