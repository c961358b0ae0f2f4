package io.securemail.lab;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.dns.ZoneUpdates;
import io.securemail.lab.mail.FleetMta;
import io.securemail.lab.mail.LabMta;
import io.securemail.lab.mail.MailStoreSink;
import io.securemail.lab.mail.PostfixServer;
import io.securemail.lab.mail.TlsPolicyStack;
import io.securemail.lab.mtasts.PolicyServers;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomain;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The README's "run locally": the whole picture on loopback. A control plane, Knot with DNSSEC and
 * a validating Unbound, the cert-manager stand-in with the lab CA, Postfix serving the example's MX
 * hosts with the certificates the operator manages, an MTA-STS policy server fed from the
 * operator's objects, the operator, and an example domain. Prints each condition as it changes,
 * then the compliance table of the {@code check} command once the domain is compliant, and a tour
 * of what to try next. Ctrl-C stops everything it started.
 */
public final class LocalLab {

  /**
   * The conditions that make the picture complete: Ready (certificates, DNS, the MTA-STS policy and
   * the MTA all done) and the outside verdict.
   */
  private static final List<String> COMPLETE = List.of("Ready", "Compliant");

  /** Where the lab runs a domain's MTA (spec.mta), its TLS policy daemons, and mail stores named in deliverTo. */
  private static final String MTA_ADDRESS = LabMta.ADDRESSES.get(0);
  private static final String POLICY_STACK_ADDRESS = "127.0.4.2";
  private static final java.util.regex.Pattern NEXT_HOP =
      java.util.regex.Pattern.compile("^(smtp|lmtp):\\[([0-9.]+)\\](?::([0-9]+))?$");
  /** Where the chart is installed when the lab runs the operator on its node. */
  private static final String CHART_NAMESPACE = "securemail-system";

  private LocalLab() {}

  public static void main(String[] args) throws Exception {
    Path repo = Path.of(System.getProperty("securemail.repo.dir", ".")).toAbsolutePath().normalize();
    // -Dnode: the operator, its MTA and its policy server run as Pods on the lab's node, installed by
    // the Helm chart from the project's locally built images.
    boolean onNode = Boolean.getBoolean("securemail.lab.node");
    Path example = repo.resolve(args.length > 0 && !args[0].isBlank() ? args[0]
        : onNode ? "examples/lab-node.yaml" : "examples/lab-rfc2136.yaml");
    Path work = Files.createTempDirectory("securemail-lab-");
    step("starting DNS (Knot with DNSSEC, Unbound), a control plane, the cert-manager stand-in, Postfix, "
        + "the policy servers and the operator%s", onNode ? ", a container engine, the project's images and a node"
        : "");
    Lab lab = Lab.start(repo, work, Map.of(), onNode ? Lab.Mode.WITH_NODE : Lab.Mode.PROCESSES);
    List<AutoCloseable> started = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      step("stopping everything the lab started");
      List<AutoCloseable> toClose = new ArrayList<>(started);
      java.util.Collections.reverse(toClose);
      toClose.forEach(LocalLab::closeQuietly);
      lab.close();
      stopped.countDown();
    }));
    // Maven runs the lab in a JVM of its own. Ctrl-C reaches both, but a signal to Maven alone (a
    // `timeout`, a closed terminal, a CI job cancelled) would leave this JVM and every server it
    // started running: the lab follows its parent out, through the shutdown hook above.
    launcher().ifPresent(launcher -> launcher.onExit().thenRun(() -> {
      step("the process that started the lab (pid %d) has ended", launcher.pid());
      System.exit(0);
    }));

    KubernetesClient client = lab.client();
    // The lab's TSIG key, for examples that publish to the lab's Knot (examples/lab-rfc2136.yaml).
    client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("lab-tsig")
        .endMetadata().withStringData(Map.of("secret", lab.dns().tsigSecret())).build()).serverSideApply();
    step("DNS: Knot %s (zones %s, TSIG key %s in Secret default/lab-tsig), validating Unbound %s",
        lab.dns().authoritativeAddress(), String.join(", ", Lab.ZONES), lab.dns().tsigKeyName(),
        lab.dns().resolverAddress());

    List<HasMetadata> items;
    try (InputStream in = Files.newInputStream(example)) {
      items = client.load(in).items();
    }
    // The same TSIG Secret in every other namespace the example uses (a fleet's customers have theirs).
    for (String namespace : items.stream().map(i -> Objects.requireNonNullElse(i.getMetadata().getNamespace(),
        "default")).filter(n -> !n.equals("default")).distinct().toList()) {
      client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
          .withName(namespace).endMetadata().build()).serverSideApply();
      client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("lab-tsig")
          .endMetadata().withStringData(Map.of("secret", lab.dns().tsigSecret())).build()).serverSideApply();
    }
    if (onNode) {
      lab.suspendOperator();
      List<String> watched = items.stream().map(i -> Objects.requireNonNullElse(i.getMetadata().getNamespace(), "default"))
          .distinct().toList();
      step("helm install of helm/securemail-operator into %s (image %s), watching %s", CHART_NAMESPACE,
          lab.images().operator(), watched);
      started.add(ChartInstall.install(lab, CHART_NAMESPACE, watched));
    }
    List<SecureMailDomain> domains = new ArrayList<>();
    for (HasMetadata item : items) {
      String namespace = Objects.requireNonNullElse(item.getMetadata().getNamespace(), "default");
      SecureMailDomain domain = null;
      if ("MailTransport".equals(item.getKind()) && !onNode) {
        MailTransport transport = client.getKubernetesSerialization().convertValue(item, MailTransport.class);
        transport.getMetadata().setNamespace(namespace);
        serveFleet(lab, transport, work, started);
        // Its fleet domain, which the operator makes, is followed like any domain.
        SecureMailDomain fleetDomain = new SecureMailDomain();
        fleetDomain.getMetadata().setNamespace(namespace);
        fleetDomain.getMetadata().setName(transport.getMetadata().getName());
        fleetDomain.setSpec(transport.getSpec());
        domains.add(fleetDomain);
      }
      if ("SecureMailDomain".equals(item.getKind())) {
        domain = client.getKubernetesSerialization().convertValue(item, SecureMailDomain.class);
        domain.getMetadata().setNamespace(namespace);
        if (!onNode) {
          serve(lab, domain, work, started);
        }
        domains.add(domain);
      }
      client.resource(item).inNamespace(namespace).forceConflicts().serverSideApply();
      step("applied %s %s from %s", item.getKind(), item.getMetadata().getName(), repo.relativize(example));
      if (domain != null && onNode) {
        NodeExposure.expose(lab, domain, started);
      }
    }
    step("kubectl works too: kubectl --kubeconfig %s get smd,pods -A", lab.controlPlane().kubeconfig());
    step(onNode ? "operator: kubectl --kubeconfig %s -n " + CHART_NAMESPACE
        + " logs -l app.kubernetes.io/name=securemail-operator; Ctrl-C stops everything" : "operator log: %s; Ctrl-C stops everything",
        onNode ? lab.controlPlane().kubeconfig() : lab.operator().log());

    for (SecureMailDomain domain : domains) {
      follow(client, domain);
      printCheck(lab, domain.getSpec().getDomain());
      printTour(lab, domain, onNode ? NodeExposure.mtaAddress(lab, domain) : MTA_ADDRESS);
    }
    stopped.await();
  }

  /**
   * Gives each MX host of the domain an address record and an MTA serving the domain's serving
   * Secret, and the namespace a policy server: what the MTA and the policy server Pods would be in
   * a cluster. With spec.mta that MTA is the operator's own, run from the configuration the
   * operator renders; without it, the lab's Postfix plays the MTA the user runs.
   */
  private static void serve(Lab lab, SecureMailDomain domain, Path work, List<AutoCloseable> started)
      throws IOException {
    if (domain.getSpec().getTransport() != null) {
      // Attached to a fleet: its MX hosts are the fleet's; it has a policy host and a next hop of its own.
      if (domain.getSpec().getTransport().getDeliverTo() != null) {
        startMailStore(domain.getSpec().getTransport().getDeliverTo(), started);
      }
      mountPolicyServer(lab, domain.getMetadata().getNamespace(), domain.getSpec().getMtaSts());
      return;
    }
    String namespace = domain.getMetadata().getNamespace();
    List<MxHost> mx = domain.getSpec().getMx();
    boolean ours = domain.getSpec().getMta() != null;
    for (int i = 0; i < mx.size() && i < PostfixServer.ADDRESSES.size(); i++) {
      String host = mx.get(i).getHost();
      String address = ours ? MTA_ADDRESS : PostfixServer.ADDRESSES.get(i);
      String zone = Lab.ZONES.stream().filter(z -> host.endsWith("." + z)).findFirst().orElse(null);
      if (zone == null) {
        step("MX host %s is outside the lab's zones: no listener for it", host);
        continue;
      }
      ZoneUpdates.add(lab.dns(), zone, host + ". 300 IN A " + address);
      if (!ours) {
        lab.postfix().mount(lab.client(), namespace, domain.getMetadata().getName() + "-mx-tls", address);
        step("MX %s: A %s, Postfix on %s:25 serving Secret %s/%s-mx-tls", host, address, address, namespace,
            domain.getMetadata().getName());
      }
    }
    if (ours) {
      runMta(lab, domain, work, started);
    }
    mountPolicyServer(lab, namespace, domain.getSpec().getMtaSts());
  }

  /** The namespaces with a policy server, by address. */
  private static final Map<String, String> POLICY_SERVERS = new HashMap<>();

  /**
   * The namespace's policy server, once: on the address its spec.mtaSts.policyHost names if that is
   * a lab policy server address still free, else on the next free one.
   */
  private static void mountPolicyServer(Lab lab, String namespace, io.securemail.operator.api.MtaStsSpec sts)
      throws IOException {
    if (POLICY_SERVERS.containsValue(namespace)) {
      return;
    }
    String wanted = sts == null || sts.getPolicyHost() == null || sts.getPolicyHost().getAddresses().isEmpty() ? null
        : sts.getPolicyHost().getAddresses().get(0);
    String policyAddress = wanted != null && PolicyServers.ADDRESSES.contains(wanted)
        && !POLICY_SERVERS.containsKey(wanted) ? wanted : PolicyServers.ADDRESSES.stream()
        .filter(a -> !POLICY_SERVERS.containsKey(a)).findFirst().orElseThrow();
    POLICY_SERVERS.put(policyAddress, namespace);
    lab.policyServers().mount(lab.client(), namespace, policyAddress);
    step("MTA-STS policy server of namespace %s on %s:443 (point spec.mtaSts.policyHost at it)", namespace,
        policyAddress);
  }

  /**
   * A MailTransport's fleet: each MX host an address record and a Postfix of its own (the first
   * two lab MTA addresses), run from the configuration the operator renders for the fleet domain
   * and reloaded when its routes change ({@link FleetMta}); the default next hop's mail store; the
   * namespace's policy server.
   */
  private static void serveFleet(Lab lab, MailTransport transport, Path work, List<AutoCloseable> started)
      throws IOException {
    String namespace = transport.getMetadata().getNamespace();
    String name = transport.getMetadata().getName();
    List<MxHost> mx = transport.getSpec().getMx();
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < mx.size() && i < 2; i++) {
      String host = mx.get(i).getHost();
      String address = LabMta.ADDRESSES.get(i);
      String zone = Lab.ZONES.stream().filter(z -> host.endsWith("." + z)).findFirst().orElse(null);
      if (zone == null) {
        step("MX host %s is outside the lab's zones: no listener for it", host);
        continue;
      }
      ZoneUpdates.add(lab.dns(), zone, host + ". 300 IN A " + address);
      addresses.add(address);
      step("fleet MX %s: A %s, the fleet's MTA on %s:25", host, address, address);
    }
    if (transport.getSpec().getMta() != null && transport.getSpec().getMta().getInbound().getDeliverTo() != null) {
      startMailStore(transport.getSpec().getMta().getInbound().getDeliverTo(), started);
    }
    started.add(FleetMta.follow(lab.client(), namespace, name, addresses, work.resolve("fleet-" + name),
        lab.issuer().caCertificateFile(), lab.dns().resolvConf()));
    step("the fleet's MTA (StatefulSet %s/%s-mta): Postfix on %s rendered from the fleet domain %s/%s, reloaded "
        + "when an attached domain's route changes", namespace, name, addresses, namespace, name);
    mountPolicyServer(lab, namespace, transport.getSpec().getMtaSts());
  }

  /**
   * Plays the kubelet for the operator's MTA: a mail store where deliverTo points (on loopback), the
   * TLS policy daemons of the MTA image, and Postfix from the operator's rendering with lab paths,
   * serving the mounted Secret and reloading when it changes. Once it answers, the StatefulSet is
   * reported ready, as the StatefulSet controller would.
   */
  private static void runMta(Lab lab, SecureMailDomain domain, Path work, List<AutoCloseable> started)
      throws IOException {
    String namespace = domain.getMetadata().getNamespace();
    String name = domain.getMetadata().getName();
    startMailStore(domain.getSpec().getMta().getInbound().getDeliverTo(), started);
    String policyMap = LabMta.TLS_POLICY_MAP;
    if (Boolean.TRUE.equals(domain.getSpec().getMta().getOutbound().getMtaSts())) {
      started.add(TlsPolicyStack.start(lab.repoDir(), work.resolve("tls-policy"), POLICY_STACK_ADDRESS,
          lab.dns().resolvConf(), lab.issuer().caCertificateFile()));
      policyMap = "inet:" + POLICY_STACK_ADDRESS + ":" + TlsPolicyStack.POLICY_PORT;
      step("the MTA image's DANE-first TLS policy daemon and mta-sts-daemon on %s", POLICY_STACK_ADDRESS);
    }
    LabMta mta = LabMta.create(work.resolve("mta-" + name), MTA_ADDRESS, domain.getSpec(),
        lab.issuer().caCertificateFile(), lab.dns().resolvConf(), policyMap);
    started.add(mta);
    mta.mountSecret(lab.client(), namespace, name + "-mx-tls");
    step("the operator's MTA (StatefulSet %s/%s-mta): Postfix with the rendered main.cf/master.cf (%s) on %s, "
        + "once Secret %s-mx-tls is issued", namespace, name, mta.configDir(), mta.listeners(), name);
    daemon("MTA", () -> {
      while (true) {
        var set = lab.client().apps().statefulSets().inNamespace(namespace).withName(name + "-mta").get();
        if (!mta.isRunning() && mta.hasCertificate()) {
          mta.start();
          step("the operator's MTA answers on %s:25", MTA_ADDRESS);
        }
        if (set != null && mta.isRunning() && (set.getStatus() == null || set.getStatus().getObservedGeneration() == null
            || set.getStatus().getObservedGeneration() < set.getMetadata().getGeneration())) {
          mta.reportStatefulSetReady(lab.client(), namespace, name + "-mta");
        }
        TimeUnit.SECONDS.sleep(2);
      }
    });
  }

  /**
   * Starts a mail store where {@code deliverTo} ({@code smtp:[address]:port} or
   * {@code lmtp:[address]:port}, the address one of this machine's) points, printing each message it
   * receives.
   *
   * @return false when deliverTo names no address (nothing started)
   */
  /** The next hops a mail store runs for. */
  private static final Set<String> MAIL_STORES = java.util.Collections.synchronizedSet(new HashSet<>());

  static boolean startMailStore(String deliverTo, List<AutoCloseable> started) throws IOException {
    var matcher = NEXT_HOP.matcher(deliverTo);
    if (!matcher.matches() || !MAIL_STORES.add(deliverTo)) {
      return false;
    }
    var protocol = "lmtp".equals(matcher.group(1)) ? MailStoreSink.Protocol.LMTP : MailStoreSink.Protocol.SMTP;
    int port = matcher.group(3) != null ? Integer.parseInt(matcher.group(3)) : protocol == MailStoreSink.Protocol.LMTP ? 24 : 25;
    MailStoreSink store = new MailStoreSink("mailstore.lab.invalid").listen(protocol, matcher.group(2), port);
    started.add(store);
    step("mail store (spec.mta.inbound.deliverTo): %s on %s:%d, prints what it receives", protocol,
        matcher.group(2), port);
    daemon("mail store", () -> {
      printDeliveries(store);
      return null;
    });
    return true;
  }

  private static void printDeliveries(MailStoreSink store) throws InterruptedException {
    int printed = 0;
    while (true) {
      List<MailStoreSink.Message> messages = store.messages();
      for (; printed < messages.size(); printed++) {
        MailStoreSink.Message m = messages.get(printed);
        step("mail store received: from <%s> to %s, %s; %s", m.mailFrom(), m.recipients(),
            m.overTls() ? "over TLS" : "in the clear", m.header("Received").stream().findFirst().orElse(""));
      }
      TimeUnit.SECONDS.sleep(1);
    }
  }

  /** Runs a loop on a daemon thread; a failure is printed, not fatal to the lab. */
  static void daemon(String name, java.util.concurrent.Callable<?> loop) {
    Thread thread = new Thread(() -> {
      try {
        loop.call();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        step("%s stopped: %s", name, e);
      }
    }, "lab-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      step("stopping %s failed: %s", closeable, e.getMessage());
    }
  }

  /** Prints every condition change, one line each, until the picture is complete. */
  private static void follow(KubernetesClient client, SecureMailDomain domain) throws InterruptedException {
    String ns = domain.getMetadata().getNamespace();
    String name = domain.getMetadata().getName();
    step("waiting for %s/%s: %s (the first compliance check may fail while certificates are issued; the next "
        + "follows on spec.compliance.interval)", ns, name, String.join(", ", COMPLETE));
    Map<String, String> seen = new HashMap<>();
    Set<String> complete = new HashSet<>();
    while (complete.size() < COMPLETE.size()) {
      SecureMailDomain current = client.resources(SecureMailDomain.class).inNamespace(ns).withName(name).get();
      if (current != null && current.getStatus() != null) {
        for (Condition c : current.getStatus().getConditions()) {
          String line = c.getStatus() + " " + c.getReason() + ": " + c.getMessage();
          if (!line.equals(seen.put(c.getType(), line))) {
            System.out.printf("[lab]   %-20s %s%n", c.getType(), line);
          }
          if (COMPLETE.contains(c.getType()) && "True".equals(c.getStatus())) {
            complete.add(c.getType());
          } else {
            complete.remove(c.getType());
          }
        }
      }
      TimeUnit.SECONDS.sleep(1);
    }
    step("%s/%s: Ready (certificates issued, DNS published and DNSSEC-signed, MTA-STS policy served, MTA ready) "
        + "and Compliant", ns, name);
  }

  /** The same verdict from the outside: the check command, as anyone would run it against the lab. */
  private static void printCheck(Lab lab, String domain) throws IOException {
    List<String> command = checkCommand(lab, domain);
    step("the compliance check from the outside: %s", String.join(" ", command));
    System.out.println(ManagedProcess.run(command).output());
  }

  static List<String> checkCommand(Lab lab, String domain) {
    return OperatorCommand.of(lab, "check", domain, "--resolver",
        lab.dns().resolverAddress() + ":" + lab.dns().resolverPort(), "--dnssec", "resolver",
        "--ca-file", lab.issuer().caCertificateFile().toString());
  }

  private static void printTour(Lab lab, SecureMailDomain domain, String mtaAddress) {
    String kubectl = "kubectl --kubeconfig " + lab.controlPlane().kubeconfig();
    String ns = domain.getMetadata().getNamespace();
    String name = domain.getMetadata().getName();
    if (domain.getSpec().getTransport() != null) {
      var ref = domain.getSpec().getTransport();
      System.out.printf("""
          [lab] %1$s is served by MailTransport %2$s/%3$s (docs/fleet.md):
            Its view of the fleet:   %4$s -n %5$s get smd %6$s -o jsonpath='{.status.transport}'
            The fleet:               %4$s get mtr -A
            Roll the fleet's key:    %4$s -n %2$s annotate --overwrite mtr %3$s securemail.io/dane-rollover=$(date +%%s)
                                     (one rollover for every attached domain; no record of theirs changes)
            Send mail to the domain: swaks --server %7$s --to postmaster@%1$s --tls
          """, domain.getSpec().getDomain(), ref.namespaceOr(ns), ref.getName(), kubectl, ns, name,
          LabMta.ADDRESSES.get(0));
      return;
    }
    if (lab.client().resources(MailTransport.class).inNamespace(ns).withName(name).get() != null) {
      System.out.printf("""
          [lab] %1$s/%2$s is the fleet domain of MailTransport %1$s/%2$s, which writes its spec:
            The fleet:               %3$s get mtr -A
            Its routes:              %3$s -n %1$s get smd %2$s -o jsonpath='{.spec.mta.inbound.routes}'
            Roll the fleet's key:    %3$s -n %1$s annotate --overwrite mtr %2$s securemail.io/dane-rollover=$(date +%%s)
          """, ns, name, kubectl);
      return;
    }
    String mx = domain.getSpec().getMx().get(0).getHost();
    System.out.printf("""
        [lab] What to try next (in another terminal):
          Watch the domain:        %1$s -n %2$s get smd %3$s -w -o custom-columns=NAME:.metadata.name,DANE:.status.dane.phase,STS:.status.mtaSts.policyId
          Roll the MX key over:    %1$s -n %2$s annotate --overwrite smd %3$s securemail.io/dane-rollover=$(date +%%s)
                                   (once the next key's TLSA has been visible for spec.dane.prePublish, status.dane
                                   goes Switching, Retiring, Stable; the check passes all along)
          Break DANE on purpose:   nsupdate -y %4$s:%5$s:%6$s <<EOF
                                   server %7$s
                                   update delete _25._tcp.%8$s TLSA
                                   update add _25._tcp.%8$s 300 TLSA 3 1 1 %9$s
                                   send
                                   EOF
                                   The TLSA set now names a key nobody serves: the next compliance check fails
                                   dane.match (Compliant=False, a Warning event). The operator does not overwrite a
                                   record it does not own: DnsPublished names it as a ForeignRecordConflict. Delete
                                   it (update delete _25._tcp.%8$s TLSA 3 1 1 %9$s) and the operator republishes
                                   its own records; Compliant returns at the next check.
          Change the policy:       %1$s -n %2$s patch smd %3$s --type merge -p '{"spec":{"mtaSts":{"mode":"testing"}}}'
                                   (a new policy id, announced only after the policy server serves it)
          Check any domain:        %10$s
        """, kubectl, ns, name, lab.dns().tsigAlgorithm(), lab.dns().tsigKeyName(), lab.dns().tsigSecret(),
        lab.dns().authoritativeAddress(), mx, "00".repeat(32),
        String.join(" ", checkCommand(lab, domain.getSpec().getDomain())));
    if (domain.getSpec().getMta() != null) {
      System.out.printf("""
            Send mail to the domain: swaks --server %1$s --to postmaster@%2$s --tls
                                   (STARTTLS to the operator's MTA, relayed to the mail store, which prints it with
                                   the Received header that records the TLS version and suite)
          """, mtaAddress, domain.getSpec().getDomain());
    }
  }

  /**
   * The process whose end ends the lab: the nearest JVM among the lab's ancestors (Maven's, which
   * may start the lab through a shell), else the parent.
   */
  private static java.util.Optional<ProcessHandle> launcher() {
    java.util.Optional<ProcessHandle> parent = ProcessHandle.current().parent();
    java.util.Optional<ProcessHandle> ancestor = parent;
    for (int level = 0; level < 3 && ancestor.isPresent(); level++) {
      if (ancestor.get().info().command().map(c -> c.endsWith("/java")).orElse(false)) {
        return ancestor;
      }
      ancestor = ancestor.get().parent();
    }
    return parent;
  }

  static void step(String format, Object... args) {
    System.out.printf("[lab] " + format + "%n", args);
  }
}
