package io.securemail.lab.cluster;

import io.securemail.lab.support.ManagedProcess;
import java.io.IOException;
import java.util.List;

/**
 * The lab cluster's addresses, and the Linux bridge its Pods hang off.
 *
 * <p>The bridge ({@value #BRIDGE}) carries the node's own address on the Pod network,
 * {@value #NODE_ADDRESS}. A Pod reaches the machine only there: 127.0.0.0/8 inside a Pod is the
 * Pod's own loopback. So every lab server a Pod must reach (the API server, the DNS servers, the mail
 * store) also listens on {@value #NODE_ADDRESS}, as servers outside a real cluster listen on an
 * address its Pods can route to. The bridge is made before any of them starts (a server cannot bind
 * an address that does not exist yet); the CNI bridge plugin finds it and attaches Pods to it.
 * Nothing leaves the machine: the Pod range, the Service range and the node address are local.
 */
public final class PodNetwork implements AutoCloseable {

  public static final String BRIDGE = "securemail0";
  /** The node on the Pod network: the bridge's address, and every Pod's default gateway. */
  public static final String NODE_ADDRESS = "10.233.0.1";
  public static final String POD_CIDR = "10.233.0.0/24";
  /** Virtual Service addresses (kube-proxy translates them); the API server's Service is the first. */
  public static final String SERVICE_CIDR = "10.96.0.0/24";
  public static final String KUBERNETES_SERVICE_ADDRESS = "10.96.0.1";
  /** Handed to Pods as their nameserver; the lab runs no cluster DNS (Debian packages no CoreDNS). */
  public static final String CLUSTER_DNS_ADDRESS = "10.96.0.10";
  public static final String CLUSTER_DOMAIN = "cluster.local";

  private PodNetwork() {}

  /** Whether the node address exists on this machine (the bridge was made): servers then also listen there. */
  public static boolean nodeAddressPresent() {
    try {
      return java.net.NetworkInterface.getByInetAddress(java.net.InetAddress.getByName(NODE_ADDRESS)) != null;
    } catch (IOException e) {
      return false;
    }
  }

  /** Creates the bridge with the node's address (or keeps one left by an earlier run) and brings it up. */
  public static PodNetwork create() throws IOException {
    if (ManagedProcess.run(List.of("ip", "link", "show", BRIDGE)).exitCode() != 0) {
      check(ManagedProcess.run(List.of("ip", "link", "add", BRIDGE, "type", "bridge")), "create the bridge " + BRIDGE);
    }
    if (!ManagedProcess.run(List.of("ip", "-4", "-o", "addr", "show", "dev", BRIDGE)).output()
        .contains(" " + NODE_ADDRESS + "/")) {
      check(ManagedProcess.run(List.of("ip", "addr", "add", NODE_ADDRESS + "/24", "dev", BRIDGE)),
          "give " + BRIDGE + " the address " + NODE_ADDRESS);
    }
    check(ManagedProcess.run(List.of("ip", "link", "set", BRIDGE, "up")), "bring " + BRIDGE + " up");
    return new PodNetwork();
  }

  private static void check(ManagedProcess.Completed done, String what) {
    if (done.exitCode() != 0) {
      throw new IllegalStateException("could not " + what + " (needs root and iproute2): " + done.output());
    }
  }

  /** Removes the bridge (and with it the node address); the Pods' ends were removed with their sandboxes. */
  @Override
  public void close() {
    try {
      ManagedProcess.run(List.of("ip", "link", "delete", BRIDGE));
    } catch (IOException | RuntimeException e) {
      System.err.println("[lab] could not remove " + BRIDGE + ": " + e.getMessage());
    }
  }
}
