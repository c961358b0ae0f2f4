package io.securemail.bench;

import java.util.ArrayList;
import java.util.List;

/** The benchmark's figures, and notes below them, as plain text for the console and as Markdown. */
final class ResultTable {

  private final String title;
  private final List<Figure> figures = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  ResultTable(String title) {
    this.title = title;
  }

  void add(Figure figure) {
    figures.add(figure);
  }

  /** Inserts rows after the row at {@code index}. */
  void insertAfter(int index, List<Figure> rows) {
    figures.addAll(index + 1, rows);
  }

  void note(String note) {
    notes.add(note);
  }

  String text() {
    int w0 = "figure".length();
    int w1 = "measured".length();
    int w2 = "target".length();
    for (Figure f : figures) {
      w0 = Math.max(w0, f.name().length());
      w1 = Math.max(w1, f.measured().length());
      w2 = Math.max(w2, f.target().length());
    }
    String format = "%-" + w0 + "s | %-" + w1 + "s | %-" + w2 + "s | %s%n";
    StringBuilder out = new StringBuilder(title).append("\n\n");
    out.append(String.format(format, "figure", "measured", "target", "met"));
    out.append("-".repeat(w0)).append("-+-").append("-".repeat(w1)).append("-+-").append("-".repeat(w2))
        .append("-+----\n");
    for (Figure f : figures) {
      out.append(String.format(format, f.name(), f.measured(), f.target(), f.metText()));
    }
    out.append('\n');
    notes.forEach(n -> out.append(n).append('\n'));
    return out.toString();
  }

  String markdown() {
    StringBuilder out = new StringBuilder("## ").append(title).append("\n\n");
    out.append("| figure | measured | target | met |\n| --- | --- | --- | --- |\n");
    for (Figure f : figures) {
      out.append("| ").append(cell(f.name())).append(" | ").append(cell(f.measured())).append(" | ")
          .append(cell(f.target())).append(" | ").append(f.metText()).append(" |\n");
    }
    out.append('\n');
    notes.forEach(n -> out.append(n).append("\n\n"));
    return out.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }

  /**
   * Prints the table and its details with the date and the machine, and writes them as Markdown
   * under {@code title} to {@code out}.
   */
  void publish(String title, List<String> details, java.nio.file.Path repo, java.nio.file.Path out)
      throws java.io.IOException {
    String date = java.time.LocalDate.now().toString();
    String machine = Machine.describe();
    System.out.println();
    System.out.println("Measured " + date + " on " + machine);
    System.out.println(text() + String.join("\n", details) + "\n");
    java.nio.file.Files.writeString(out, "# " + title + "\n\nMeasured " + date + " on " + machine + ".\n\n"
        + markdown() + details.stream().map(d -> d + "\n").collect(java.util.stream.Collectors.joining("\n")));
    System.out.println("[bench] written to " + repo.relativize(out));
  }
}
