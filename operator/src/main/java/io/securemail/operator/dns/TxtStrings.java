package io.securemail.operator.dns;

/** TXT record data: from presentation format ("a" "b", RFC 1035 section 5.1) to the text it carries. */
final class TxtStrings {

  private TxtStrings() {}

  /** Concatenates the quoted character-strings and undoes the \" and \\ escapes. */
  static String join(String presentation) {
    StringBuilder out = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < presentation.length(); i++) {
      char c = presentation.charAt(i);
      if (c == '\\' && i + 1 < presentation.length()) {
        out.append(presentation.charAt(++i));
      } else if (c == '"') {
        quoted = !quoted;
      } else if (quoted) {
        out.append(c);
      }
    }
    return out.toString();
  }
}
