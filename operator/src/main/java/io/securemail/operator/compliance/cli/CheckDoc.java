package io.securemail.operator.compliance.cli;

import java.util.Locale;

/**
 * Where a check is explained: its section of {@code docs/compliance.md}, relative to the repository
 * root (the docs ship with every release). Each section's heading is the check id itself, so the
 * anchor is the heading's, as GitHub and the usual Markdown renderers derive it: lowercase, with
 * everything but letters, digits, spaces, hyphens and underscores dropped ({@code dane.match}
 * becomes {@code #danematch}).
 */
final class CheckDoc {

  static final String PAGE = "docs/compliance.md";

  private CheckDoc() {}

  static String link(String checkId) {
    String anchor = checkId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    return PAGE + "#" + anchor;
  }
}
