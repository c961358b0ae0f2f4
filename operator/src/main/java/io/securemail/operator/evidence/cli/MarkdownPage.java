package io.securemail.operator.evidence.cli;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link Page} in GitHub-flavoured Markdown. Text is escaped so that a renderer shows it as it is:
 * Markdown punctuation and the HTML characters with a backslash (CommonMark section 2.4), so that
 * {@code <script>} in a report is shown and never passed through as HTML, and line breaks become
 * spaces so that a value cannot leave its table cell.
 */
final class MarkdownPage implements Page {

  /** Characters with a meaning anywhere in a line; the ones that matter only at its start are handled there. */
  private static final String SPECIAL = "\\`*_[]<>#|~&";

  private static final Pattern ORDERED_ITEM = Pattern.compile("^\\d+([.)])");

  private final StringBuilder out = new StringBuilder();

  @Override
  public void title(String text) {
    block("# " + escape(text));
  }

  @Override
  public void heading(String text) {
    block("## " + escape(text));
  }

  @Override
  public void subheading(String text) {
    block("### " + escape(text));
  }

  @Override
  public void paragraph(String text) {
    block(escapeBlock(text));
  }

  @Override
  public void bullets(List<String> items) {
    StringBuilder list = new StringBuilder();
    items.forEach(item -> list.append("- ").append(escapeBlock(item)).append('\n'));
    block(list.toString().stripTrailing());
  }

  @Override
  public void table(List<String> headers, List<List<String>> rows) {
    StringBuilder table = new StringBuilder();
    row(table, headers);
    table.append('|').append(" --- |".repeat(headers.size())).append('\n');
    rows.forEach(r -> row(table, r));
    block(table.toString().stripTrailing());
  }

  @Override
  public String text() {
    return out.toString();
  }

  private static void row(StringBuilder table, List<String> cells) {
    table.append('|');
    cells.forEach(cell -> table.append(' ').append(escape(cell)).append(" |"));
    table.append('\n');
  }

  private void block(String text) {
    if (!out.isEmpty()) {
      out.append('\n');
    }
    out.append(text).append('\n');
  }

  /** Text inside a line: a heading's or a table cell's. */
  static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length() + 8);
    for (char c : text.toCharArray()) {
      if (c == '\n' || c == '\r' || c == '\t') {
        escaped.append(' ');
      } else if (!Character.isISOControl(c)) {
        if (SPECIAL.indexOf(c) >= 0) {
          escaped.append('\\');
        }
        escaped.append(c);
      }
    }
    return escaped.toString();
  }

  /** Text that starts a block: a paragraph or a list item. */
  static String escapeBlock(String text) {
    StringBuilder escaped = new StringBuilder(escape(text));
    // At the start of a block, a list marker, a setext underline or an ordered list's "1." would
    // change what the block is.
    if (!escaped.isEmpty() && "-+=".indexOf(escaped.charAt(0)) >= 0) {
      escaped.insert(0, '\\');
    }
    Matcher number = ORDERED_ITEM.matcher(escaped);
    if (number.find()) {
      escaped.insert(number.start(1), '\\');
    }
    return escaped.toString();
  }
}
