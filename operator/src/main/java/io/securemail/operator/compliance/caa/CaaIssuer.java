package io.securemail.operator.compliance.caa;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The value of a CAA {@code issue} or {@code issuewild} property (RFC 8659 section 4.2): the CA's
 * issuer domain name and its parameters, such as RFC 8657's {@code accounturi} and
 * {@code validationmethods}. Used both for the records the operator publishes and for the issuer a
 * domain's certificates come from, which the {@code caa} check looks for in the records it finds.
 *
 * @param domain the issuer domain name, lower case; empty for a value that names no CA ({@code ";"})
 * @param parameters tag to value, in the order written
 */
public record CaaIssuer(String domain, Map<String, String> parameters) {

  /** RFC 8657 section 3: the ACME account URI the CA must see on the request. */
  public static final String ACCOUNT_URI = "accounturi";
  /** RFC 8657 section 4: the ACME challenge types the CA may use to validate. */
  public static final String VALIDATION_METHODS = "validationmethods";

  // RFC 8659 section 4.2: label = (ALPHA / DIGIT) *( *("-") (ALPHA / DIGIT)).
  private static final String LABEL = "[A-Za-z0-9](?:-*[A-Za-z0-9])*";
  private static final Pattern DOMAIN = Pattern.compile(LABEL + "(?:\\." + LABEL + ")*");
  // parameter = tag *WSP "=" *WSP value; value = *(%x21-3A / %x3C-7E), i.e. visible characters but ";".
  private static final Pattern PARAMETER = Pattern.compile("(" + LABEL + ")[ \\t]*=[ \\t]*([\\x21-\\x3A\\x3C-\\x7E]*)");

  public CaaIssuer {
    domain = domain.toLowerCase(Locale.ROOT);
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /** A CA's domain alone. */
  public static CaaIssuer of(String domain) {
    return new CaaIssuer(domain, Map.of());
  }

  /**
   * Parses a property value.
   *
   * @throws IllegalArgumentException naming what does not match the grammar of RFC 8659 section 4.2
   */
  public static CaaIssuer parse(String value) {
    String text = value.strip();
    int semicolon = text.indexOf(';');
    String domain = (semicolon < 0 ? text : text.substring(0, semicolon)).strip();
    if (!domain.isEmpty() && !DOMAIN.matcher(domain).matches()) {
      throw new IllegalArgumentException("'" + domain + "' is not an issuer domain name (letters, digits and "
          + "hyphens in dot-separated labels)");
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    String rest = semicolon < 0 ? "" : text.substring(semicolon + 1).strip();
    if (!rest.isEmpty()) {
      for (String part : rest.split(";", -1)) {
        var m = PARAMETER.matcher(part.strip());
        if (!m.matches()) {
          throw new IllegalArgumentException("'" + part.strip() + "' is not a parameter of the form tag=value "
              + "(the value without spaces or semicolons)");
        }
        parameters.put(m.group(1), m.group(2));
      }
    }
    return new CaaIssuer(domain, parameters);
  }

  /**
   * The issuer a property value names for a CA reading it: one that does not match the grammar
   * names no CA (RFC 8659 section 4.2: treated as an empty issuer domain name).
   */
  public static CaaIssuer read(String value) {
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      return new CaaIssuer("", Map.of());
    }
  }

  /** The value with one parameter added or replaced. */
  public CaaIssuer with(String tag, String value) {
    Map<String, String> changed = new LinkedHashMap<>(parameters);
    parameter(tag).ifPresent(v -> changed.keySet().removeIf(k -> k.equalsIgnoreCase(tag)));
    changed.put(tag, value);
    return new CaaIssuer(domain, changed);
  }

  /** A parameter's value; tags compare without regard to case, as property tags do (RFC 8659 section 4.1). */
  public Optional<String> parameter(String tag) {
    return parameters.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(tag)).map(Map.Entry::getValue)
        .findFirst();
  }

  public Optional<String> accountUri() {
    return parameter(ACCOUNT_URI);
  }

  /** The challenge types of {@code validationmethods}, lower case; empty when the parameter is absent. */
  public List<String> validationMethods() {
    return parameter(VALIDATION_METHODS).map(v -> Arrays.stream(v.split(",")).map(String::strip)
        .filter(s -> !s.isEmpty()).map(s -> s.toLowerCase(Locale.ROOT)).toList()).orElse(List.of());
  }

  /** Whether the value names a CA at all. */
  public boolean namesCa() {
    return !domain.isEmpty();
  }

  /** The property value as written in the record: {@code letsencrypt.org; accounturi=...}. */
  public String value() {
    StringBuilder out = new StringBuilder(domain.isEmpty() ? ";" : domain);
    parameters.forEach((tag, v) -> out.append("; ").append(tag).append('=').append(v));
    return out.toString();
  }

  @Override
  public String toString() {
    return value();
  }
}
