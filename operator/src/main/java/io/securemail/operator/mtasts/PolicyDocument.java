package io.securemail.operator.mtasts;

import io.securemail.operator.kube.ContentDigest;

import io.securemail.operator.api.MtaStsSpec;
import java.util.List;
import java.util.Objects;

/**
 * One MTA-STS policy as served (RFC 8461 section 3.2) and its id. The text is rendered with CRLF
 * line endings as the section's ABNF shows, keys in the RFC's order, and {@code mx} patterns sorted,
 * so the same policy always has the same bytes. The id is the first 128 bits of the text's SHA-256
 * in hex: 32 alphanumerics (section 3.1 allows 1 to 32), equal for equal content and different for
 * any change, so a sender that cached the policy refetches exactly when it changed.
 */
public record PolicyDocument(MtaStsSpec.Mode mode, List<String> mx, long maxAge, String text, String id) {

  public PolicyDocument {
    mx = List.copyOf(mx);
    Objects.requireNonNull(mode);
  }

  public static PolicyDocument of(MtaStsSpec.Mode mode, List<String> mx, long maxAge) {
    List<String> patterns = mx.stream().map(p -> p.toLowerCase()).distinct().sorted().toList();
    StringBuilder text = new StringBuilder("version: STSv1\r\n")
        .append("mode: ").append(modeName(mode)).append("\r\n");
    patterns.forEach(p -> text.append("mx: ").append(p).append("\r\n"));
    text.append("max_age: ").append(maxAge).append("\r\n");
    return new PolicyDocument(mode, patterns, maxAge, text.toString(), idOf(text.toString()));
  }

  public static String modeName(MtaStsSpec.Mode mode) {
    return switch (mode) {
      case NONE -> "none";
      case TESTING -> "testing";
      case ENFORCE -> "enforce";
    };
  }

  static String idOf(String text) {
    return ContentDigest.of(text);
  }

  /** The {@code _mta-sts} TXT record's text announcing this policy (section 3.1). */
  public String txtRecord() {
    return "v=STSv1; id=" + id;
  }
}
