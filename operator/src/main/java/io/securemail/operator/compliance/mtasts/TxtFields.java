package io.securemail.operator.compliance.mtasts;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The "key=value; key=value" syntax shared by the MTA-STS (RFC 8461 section 3.1) and TLS-RPT (RFC
 * 8460 section 3) TXT records: fields separated by ";" with optional white space, an optional
 * trailing ";".
 */
final class TxtFields {

  /** One field. */
  record Field(String name, String value) {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");

  private TxtFields() {}

  /** The fields in order; throws IllegalArgumentException naming the first malformed one. */
  static List<Field> parse(String text) {
    List<Field> fields = new ArrayList<>();
    String[] parts = text.split(";", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].strip();
      if (part.isEmpty()) {
        if (i == parts.length - 1 && i > 0) {
          break; // trailing ";"
        }
        throw new IllegalArgumentException("empty field");
      }
      int eq = part.indexOf('=');
      if (eq <= 0 || eq == part.length() - 1) {
        throw new IllegalArgumentException("'" + part + "' is not name=value");
      }
      String name = part.substring(0, eq);
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("'" + name + "' is not a field name");
      }
      fields.add(new Field(name, part.substring(eq + 1)));
    }
    return fields;
  }

  /** RFC 8461 section 3.1 / RFC 8460 section 3: a record is one of ours only if it starts with the version. */
  static boolean startsWithVersion(String text, String version) {
    String t = text.stripLeading();
    return t.startsWith(version) && (t.length() == version.length()
        || t.charAt(version.length()) == ';' || Character.isWhitespace(t.charAt(version.length())));
  }
}
