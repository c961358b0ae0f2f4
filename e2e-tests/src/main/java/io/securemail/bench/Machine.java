package io.securemail.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a benchmark ran on: cores, memory, JDK. */
final class Machine {

  private Machine() {}

  static String describe() {
    String memory = "?";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          memory = String.format("%.1f GiB", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      // left as "?"
    }
    String cpu = "?";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
    } catch (IOException e) {
      // left as "?"
    }
    return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memory + " RAM, JDK "
        + System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version");
  }
}
