package io.securemail.lab.cluster;

import io.securemail.lab.support.ManagedProcess;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the node's programs change on the machine, and putting it back. The kubelet sets kernel
 * tunables it expects (vm.overcommit_memory, kernel.panic, kernel.panic_on_oops, the root key
 * quotas) and adds its own iptables chains; kube-proxy sets route_localnet and adds its chains
 * ({@code kube-proxy --cleanup} removes only some of them). The lab records the tunables before the
 * node starts and restores them after it stops, and removes every {@code KUBE-} chain and every
 * jump to one, so a machine after a run is as it was before.
 */
final class MachineState {

  private static final List<String> TUNABLES = List.of("vm.overcommit_memory", "vm.panic_on_oom", "kernel.panic",
      "kernel.panic_on_oops", "kernel.keys.root_maxkeys", "kernel.keys.root_maxbytes",
      "net.ipv4.conf.all.route_localnet");
  private static final List<String> TABLES = List.of("filter", "nat", "mangle");

  private final Map<String, String> tunables;

  private MachineState(Map<String, String> tunables) {
    this.tunables = tunables;
  }

  static MachineState record() throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : TUNABLES) {
      ManagedProcess.Completed read = ManagedProcess.run(List.of("sysctl", "-n", name));
      if (read.exitCode() == 0) {
        values.put(name, read.output().trim());
      }
    }
    return new MachineState(values);
  }

  void restore() {
    tunables.forEach((name, value) -> run(List.of("sysctl", "-q", "-w", name + "=" + value)));
    removeKubeChains();
  }

  /** Deletes every jump to a KUBE- chain from the built-in chains, then flushes and deletes those chains. */
  static void removeKubeChains() {
    for (String table : TABLES) {
      List<String> rules = output(List.of("iptables", "-t", table, "-S")).lines().toList();
      for (String rule : rules) {
        if (rule.startsWith("-A ") && !rule.startsWith("-A KUBE-") && rule.matches(".* -j KUBE-\\S+.*")) {
          List<String> delete = new java.util.ArrayList<>(List.of("iptables", "-t", table));
          delete.addAll(words("-D" + rule.substring(2)));
          run(delete);
        }
      }
      List<String> chains = rules.stream().filter(r -> r.startsWith("-N KUBE-")).map(r -> r.substring(3).trim()).toList();
      chains.forEach(chain -> run(List.of("iptables", "-t", table, "-F", chain)));
      chains.forEach(chain -> run(List.of("iptables", "-t", table, "-X", chain)));
    }
  }

  /** iptables -S output split into arguments, quoted comments kept whole. */
  static List<String> words(String rule) {
    List<String> words = new java.util.ArrayList<>();
    var m = java.util.regex.Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(rule);
    while (m.find()) {
      words.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return words;
  }

  private static String output(List<String> command) {
    try {
      return ManagedProcess.run(command).output();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static void run(List<String> command) {
    try {
      ManagedProcess.Completed done = ManagedProcess.run(command);
      if (done.exitCode() != 0) {
        System.err.println("[lab] " + String.join(" ", command) + ": " + done.output());
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("[lab] " + String.join(" ", command) + ": " + e.getMessage());
    }
  }
}
