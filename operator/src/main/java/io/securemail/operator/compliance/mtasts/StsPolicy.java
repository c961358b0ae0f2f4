package io.securemail.operator.compliance.mtasts;

import io.securemail.operator.compliance.pki.CertificateNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** An MTA-STS policy (RFC 8461 section 3.2). */
public record StsPolicy(Mode mode, List<String> mx, long maxAge) {

  /** Policy modes (section 5). */
  public enum Mode { enforce, testing, none }

  /** One year: the largest max_age the RFC allows (section 3.2). */
  public static final long MAX_AGE_LIMIT = 31_557_600L;

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
  private static final Pattern MX_PATTERN = Pattern.compile(
      "(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.?");

  public StsPolicy {
    mx = List.copyOf(mx);
  }

  /**
   * Parses a policy body. Lines end in CRLF or LF (the ABNF allows both), each is "key: value" with
   * optional white space; unknown keys are ignored for extensibility, {@code mx} may repeat, the other
   * keys may not.
   */
  public static Parsed<StsPolicy> parse(String body) {
    String version = null;
    String mode = null;
    String maxAge = null;
    List<String> mx = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String raw : body.split("\r?\n", -1)) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        return Parsed.error("line '" + abbreviate(line) + "' is not 'key: value'");
      }
      String key = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      if (!KEY.matcher(key).matches()) {
        return Parsed.error("'" + abbreviate(key) + "' is not a policy key");
      }
      if (!key.equals("mx") && !seen.add(key)) {
        return Parsed.error("the key '" + key + "' appears more than once");
      }
      switch (key) {
        case "version" -> version = value;
        case "mode" -> mode = value;
        case "max_age" -> maxAge = value;
        case "mx" -> mx.add(value);
        default -> { } // section 3.2: unknown fields are ignored
      }
    }
    if (!"STSv1".equals(version)) {
      return Parsed.error(version == null ? "no 'version: STSv1' line" : "version is '" + version + "', not STSv1");
    }
    Mode parsedMode;
    try {
      parsedMode = Mode.valueOf(mode == null ? "" : mode);
    } catch (IllegalArgumentException e) {
      return Parsed.error(mode == null ? "no mode line" : "mode '" + mode + "' is not enforce, testing or none");
    }
    if (maxAge == null || !maxAge.matches("[0-9]{1,10}") || Long.parseLong(maxAge) > MAX_AGE_LIMIT) {
      return Parsed.error(maxAge == null ? "no max_age line"
          : "max_age '" + maxAge + "' is not a number of seconds up to " + MAX_AGE_LIMIT);
    }
    for (String pattern : mx) {
      if (!MX_PATTERN.matcher(pattern).matches()) {
        return Parsed.error("mx '" + abbreviate(pattern) + "' is not a host name or *.domain pattern");
      }
    }
    if (mx.isEmpty() && parsedMode != Mode.none) {
      return Parsed.error("no mx line: a policy in mode " + parsedMode + " must list the MX hosts");
    }
    return Parsed.ok(new StsPolicy(parsedMode, mx, Long.parseLong(maxAge)));
  }

  /** The first pattern matching the host under the section 4.1 rule, if any. */
  public Optional<String> patternFor(String mxHost) {
    return mx.stream().filter(p -> CertificateNames.matches(p, mxHost)).findFirst();
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
