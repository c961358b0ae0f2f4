package io.securemail.operator.evidence.cli;

import java.util.List;

/**
 * A document for people, written block by block; {@link MarkdownPage} and {@link HtmlPage} write the
 * same blocks in their syntax. Every string handed in is plain text, escaped by the page: report
 * fields come from strangers on the internet.
 */
interface Page {

  void title(String text);

  void heading(String text);

  void subheading(String text);

  void paragraph(String text);

  void bullets(List<String> items);

  void table(List<String> headers, List<List<String>> rows);

  /** The whole document. */
  String text();
}
