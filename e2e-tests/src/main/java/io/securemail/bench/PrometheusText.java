package io.securemail.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Series of a Prometheus text exposition: metric name, labels and value per line. */
record PrometheusText(List<Series> series) {

  record Series(String name, Map<String, String> labels, double value) {}

  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  static PrometheusText parse(String text) {
    List<Series> series = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      String name;
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        int close = line.lastIndexOf('}');
        Matcher m = LABEL.matcher(line.substring(brace + 1, close));
        while (m.find()) {
          labels.put(m.group(1), m.group(2));
        }
      } else {
        name = line.substring(0, line.indexOf(' '));
      }
      double value;
      try {
        value = Double.parseDouble(line.substring(space + 1).trim());
      } catch (NumberFormatException e) {
        continue;
      }
      series.add(new Series(name, labels, value));
    }
    return new PrometheusText(List.copyOf(series));
  }

  /** The sum of every series of {@code name} whose labels include {@code label}={@code value}. */
  double sum(String name, String label, String value) {
    return series.stream().filter(s -> s.name().equals(name) && value.equals(s.labels().get(label)))
        .mapToDouble(Series::value).sum();
  }

  /** The sum of every series of {@code name}, whatever its labels. */
  double total(String name) {
    return series.stream().filter(s -> s.name().equals(name)).mapToDouble(Series::value).sum();
  }
}
