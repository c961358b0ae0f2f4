package io.securemail.operator.evidence.cli;

import java.util.List;
import java.util.Set;

/**
 * A {@link Page} as one self-contained HTML file: its style inline, no script, no image, nothing
 * fetched, and a Content-Security-Policy that forbids scripts and loads should anything slip
 * through. All text is escaped (the five characters of HTML's syntax), so a report's organisation
 * name {@code <script>} is shown as text.
 */
final class HtmlPage implements Page {

  private static final String STYLE = """
      body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:80em;padding:0 1em;\
      color:#1b1f24;line-height:1.4}
      table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:0.9em}
      th,td{border:1px solid #c8ccd1;padding:0.3em 0.6em;text-align:left;vertical-align:top}
      th{background:#f0f2f4}
      td{overflow-wrap:anywhere}
      h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #c8ccd1}
      td.fail{background:#fde2e1;font-weight:600}td.warn{background:#fff4d6}td.pass{background:#e3f5e6}
      @media print{body{max-width:none}h2{break-before:auto}}
      """;

  /** A cell that is exactly a status is coloured by it. */
  private static final Set<String> STATUSES = Set.of("pass", "warn", "fail");

  private final String documentTitle;
  private final StringBuilder body = new StringBuilder();

  HtmlPage(String documentTitle) {
    this.documentTitle = documentTitle;
  }

  @Override
  public void title(String text) {
    element("h1", text);
  }

  @Override
  public void heading(String text) {
    element("h2", text);
  }

  @Override
  public void subheading(String text) {
    element("h3", text);
  }

  @Override
  public void paragraph(String text) {
    element("p", text);
  }

  @Override
  public void bullets(List<String> items) {
    body.append("<ul>\n");
    items.forEach(item -> body.append("  <li>").append(escape(item)).append("</li>\n"));
    body.append("</ul>\n");
  }

  @Override
  public void table(List<String> headers, List<List<String>> rows) {
    body.append("<table>\n  <thead><tr>");
    headers.forEach(h -> body.append("<th>").append(escape(h)).append("</th>"));
    body.append("</tr></thead>\n  <tbody>\n");
    for (List<String> row : rows) {
      body.append("    <tr>");
      row.forEach(cell -> body.append(STATUSES.contains(cell) ? "<td class=\"" + cell + "\">" : "<td>")
          .append(escape(cell)).append("</td>"));
      body.append("</tr>\n");
    }
    body.append("  </tbody>\n</table>\n");
  }

  @Override
  public String text() {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<title>" + escape(documentTitle) + "</title>\n<style>\n" + STYLE + "</style>\n</head>\n<body>\n" + body
        + "</body>\n</html>\n";
  }

  private void element(String name, String text) {
    body.append('<').append(name).append('>').append(escape(text)).append("</").append(name).append(">\n");
  }

  static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length() + 16);
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> {
          if (!Character.isISOControl(c) || c == '\n' || c == '\t') {
            escaped.append(c);
          }
        }
      }
    }
    return escaped.toString();
  }
}
