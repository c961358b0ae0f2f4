package io.securemail.operator.evidence.cli;

import java.util.Locale;

/** Shares and durations as the pages write them. */
final class Amounts {

  private Amounts() {}

  /** {@code 287 of 288 (99.7 %)}; a dash when there is nothing to share. */
  static String share(long part, long whole) {
    if (whole == 0) {
      return "—";
    }
    return part + " of " + whole + " (" + percent(part, whole) + ")";
  }

  /** One decimal, rounded down, so that anything short of all is never shown as 100 %. */
  static String percent(long part, long whole) {
    long tenths = part * 1000 / whole;
    return String.format(Locale.ROOT, "%d.%d %%", tenths / 10, tenths % 10);
  }

  /** {@code 29 d 23 h}, {@code 5 h 3 min}, {@code 12 min}, {@code 40 s}: the two largest units. */
  static String duration(long seconds) {
    long days = seconds / 86_400;
    long hours = seconds % 86_400 / 3_600;
    long minutes = seconds % 3_600 / 60;
    if (days > 0) {
      return days + " d " + hours + " h";
    }
    if (hours > 0) {
      return hours + " h " + minutes + " min";
    }
    if (minutes > 0) {
      return minutes + " min";
    }
    return seconds + " s";
  }

  /** {@code 99.7 % of 29 d 23 h}; a dash when no time is covered. */
  static String timeShare(long part, long whole) {
    return whole == 0 ? "—" : percent(part, whole) + " of " + duration(whole);
  }
}
