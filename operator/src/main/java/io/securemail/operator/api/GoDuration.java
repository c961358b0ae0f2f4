package io.securemail.operator.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the Go-style durations the spec uses ("2160h", "1h30m", "45s"), the notation Kubernetes
 * users know from other resources. java.time only reads ISO 8601 ("PT2160H"), hence this small parser.
 */
public final class GoDuration {

  private static final Pattern WHOLE = Pattern.compile(DnsNames.DURATION_OR_ZERO);
  private static final Pattern PART = Pattern.compile("([0-9]+)(h|m|s)");
  private static final String EXPECTED = "not a duration like 48h, 1h30m or 45s: \"";

  private GoDuration() {}

  /** Returns the duration, or throws IllegalArgumentException naming the bad text. */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException(EXPECTED + text + "\"");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    try {
      while (m.find()) {
        long n = Long.parseLong(m.group(1));
        total = total.plus(switch (m.group(2)) {
          case "h" -> Duration.ofHours(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofSeconds(n);
        });
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(EXPECTED + text + "\" (too large)", e);
    }
    return total;
  }
}
