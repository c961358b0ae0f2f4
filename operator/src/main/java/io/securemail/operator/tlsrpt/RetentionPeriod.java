package io.securemail.operator.tlsrpt;

import io.securemail.operator.api.GoDuration;
import java.time.Duration;
import java.util.Locale;

/**
 * A period of days as users write it for report retention ("90d", "7d"), or any duration the spec
 * accepts elsewhere ("2160h", "1h30m") or ISO 8601 ("P90D").
 */
public final class RetentionPeriod {

  private RetentionPeriod() {}

  public static Duration parse(String property, String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    try {
      if (value.matches("\\d+d")) {
        return Duration.ofDays(Long.parseLong(value.substring(0, value.length() - 1)));
      }
      if (value.startsWith("p")) {
        return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
      }
      return GoDuration.parse(value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(property + ": '" + text + "' is not a duration such as 90d, 2160h or P90D");
    }
  }
}
