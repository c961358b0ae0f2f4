package io.securemail.operator.mta;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rendered Postfix regexp table (regexp_table(5)) evaluated the way Postfix does for the
 * constructs the renderer uses: the first matching pattern wins, matching is case-insensitive,
 * {@code .} matches a newline (a folded header's line breaks; POSIX without REG_NEWLINE), and
 * {@code $n} in the result is the n-th group. {@code [[:space:]]} becomes Java's {@code \s}.
 */
final class RegexpTable {

  private static final Pattern LINE = Pattern.compile("^/(.*)/ (.*)$");

  private RegexpTable() {}

  /** The result for the key, or null when no pattern matches. */
  static String first(String table, String key) {
    for (String line : table.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher entry = LINE.matcher(line);
      if (!entry.matches()) {
        throw new IllegalArgumentException("not a regexp table line: " + line);
      }
      Pattern pattern = Pattern.compile(entry.group(1).replace("[[:space:]]", "\\s"),
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
      Matcher m = pattern.matcher(key);
      if (m.find()) {
        String result = entry.group(2);
        for (int i = m.groupCount(); i >= 1; i--) {
          result = result.replace("$" + i, m.group(i) == null ? "" : m.group(i));
        }
        return result;
      }
    }
    return null;
  }
}
