package io.securemail.operator.evidence.cli;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code --since} or {@code --until} value: an instant ({@code 2026-11-01T00:00:00Z}, or with an
 * offset), a day ({@code 2026-11-01}, its start in UTC), or a duration back from now ({@code 30d},
 * {@code 12h}, {@code 90m}, {@code 2w}, {@code 45s}, or ISO-8601 {@code P30D}, {@code PT12H}).
 */
final class TimeBound {

  private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([smhdw])");

  private TimeBound() {}

  static Instant parse(String option, String text, Instant now) {
    String value = text.strip();
    Matcher shortForm = SHORT.matcher(value.toLowerCase(Locale.ROOT));
    try {
      return shortForm.matches() ? back(shortForm, now) : instant(option, text, value, now);
    } catch (DateTimeException | ArithmeticException e) {
      throw new IllegalArgumentException(option + " '" + text + "' is neither an ISO-8601 instant "
          + "(2026-11-01T00:00:00Z), a day (2026-11-01) nor a duration back from now (30d, 12h, 90m, P30D)");
    }
  }

  private static Instant back(Matcher shortForm, Instant now) {
    long amount = Long.parseLong(shortForm.group(1));
    Duration unit = switch (shortForm.group(2)) {
      case "s" -> Duration.ofSeconds(1);
      case "m" -> Duration.ofMinutes(1);
      case "h" -> Duration.ofHours(1);
      case "d" -> Duration.ofDays(1);
      default -> Duration.ofDays(7);
    };
    return now.minus(unit.multipliedBy(amount));
  }

  private static Instant instant(String option, String text, String value, Instant now) {
    if (value.startsWith("P") || value.startsWith("p")) {
      Duration back = Duration.parse(value);
      if (back.isNegative()) {
        throw new IllegalArgumentException(option + " '" + text + "': a duration back from now cannot be negative");
      }
      return now.minus(back);
    }
    if (value.length() == 10) {
      return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    return OffsetDateTime.parse(value).toInstant();
  }
}
