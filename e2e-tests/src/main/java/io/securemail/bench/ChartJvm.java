package io.securemail.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's JVM options as the Helm chart runs it: the image's entrypoint sizes the heap with
 * -XX:MaxRAMPercentage of the container's memory limit (the chart's resources.limits.memory). On the
 * machine, outside a container, that is the same heap given as -Xmx.
 */
final class ChartJvm {

  static final long FALLBACK_HEAP_MIB = 384;

  private ChartJvm() {}

  static List<String> options(Path repo) {
    long heapMib = FALLBACK_HEAP_MIB;
    List<String> options = new ArrayList<>();
    try {
      String values = Files.readString(repo.resolve("helm/securemail-operator/values.yaml"));
      String dockerfile = Files.readString(repo.resolve("operator/src/main/docker/Dockerfile"));
      Matcher limit = Pattern.compile("(?m)^resources:\\s*\\n(?:[ \\t].*\\n)*?\\s+limits:\\s*\\n\\s+memory:\\s*(\\d+)Mi")
          .matcher(values);
      Matcher percent = Pattern.compile("MaxRAMPercentage=([0-9.]+)").matcher(dockerfile);
      if (limit.find() && percent.find()) {
        heapMib = (long) (Long.parseLong(limit.group(1)) * Double.parseDouble(percent.group(1)) / 100);
      }
      // Every other -XX option of the image's entrypoint, as given (the collector, heap ratios).
      Matcher xx = Pattern.compile("\"(-XX:[^\"]+)\"").matcher(dockerfile);
      while (xx.find()) {
        if (!xx.group(1).contains("MaxRAMPercentage")) {
          options.add(xx.group(1));
        }
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("[bench] chart JVM settings not read (" + e.getMessage() + "); -Xmx" + heapMib + "m");
      options = new ArrayList<>(List.of("-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData"));
    }
    options.add(0, "-Xmx" + heapMib + "m");
    options.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
    return options;
  }
}
