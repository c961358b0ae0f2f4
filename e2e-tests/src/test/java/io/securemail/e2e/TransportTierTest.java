package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.javaoperatorsdk.operator.Operator;
import io.securemail.lab.Lab;
import io.securemail.operator.api.AttachSpec;
import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.InboundRoute;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.MailTransportSpec;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainStatus;
import io.securemail.operator.api.TlsRptSpec;
import io.securemail.operator.api.TransportRef;
import io.securemail.operator.tenancy.TenantDomains;
import io.securemail.operator.transport.FleetDomain;
import io.securemail.operator.transport.MailTransportReconciler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The MailTransport controller at the reconciler tier: the controller in this JVM, the lab's real
 * API server (and its garbage collector). The SecureMailDomain controller does not run here, so the
 * attached domains and the fleet domain are as a user and this test leave them: what is proven is
 * what the transport makes of them. Its periodic reconcile is ten minutes away, so whatever happens
 * within seconds happens because an informer saw a change.
 */
@ExtendWith(LabExtension.class)
class TransportTierTest {

  static final String FLEET = "transport-mail";
  static final String CUSTOMER_A = "transport-a";
  static final String CUSTOMER_B = "transport-b";
  static final String OUTSIDER = "transport-out";
  static final Set<String> NAMESPACES = Set.of(FLEET, CUSTOMER_A, CUSTOMER_B, OUTSIDER);
  static final String SELECTED = "mail.example/fleet";
  static final String DEFAULT_HOP = "lmtp:[store.transport-mail.svc.cluster.local]:24";
  static final Duration QUICK = Duration.ofSeconds(20);

  static Lab lab;
  static KubernetesClient client;
  static Operator operator;

  @BeforeAll
  static void start(Lab l) {
    lab = l;
    client = l.client();
    NAMESPACES.forEach(namespace -> Domains.createNamespace(client, namespace));
    // Customer B is allowed by its label (namespaceSelector), customer A by name, the outsider not at all.
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(CUSTOMER_B)
        .withLabels(Map.of(SELECTED, "yes")).endMetadata().build()).serverSideApply();
    lab.suspendOperator();
    operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
    operator.register(new MailTransportReconciler(86400, TenantDomains.unrestricted(), Duration.ZERO,
        Clock.systemUTC()), c -> c.settingNamespaces(NAMESPACES));
    operator.start();
  }

  @AfterAll
  static void stop() {
    try {
      if (operator != null) {
        // Transports first (their deletion waits for their domains), then every domain; a fleet domain
        // re-applied meanwhile goes with its transport (garbage collector).
        NAMESPACES.forEach(namespace -> transports().inNamespace(namespace).delete());
        NAMESPACES.forEach(namespace -> api(client).inNamespace(namespace).delete());
        await().atMost(Domains.STATUS_TIMEOUT).until(() -> transports().inAnyNamespace().list().getItems().stream()
            .noneMatch(t -> NAMESPACES.contains(t.getMetadata().getNamespace())));
        NAMESPACES.forEach(namespace -> api(client).inNamespace(namespace).delete());
        await().atMost(Domains.STATUS_TIMEOUT).until(() -> api(client).inAnyNamespace().list().getItems().stream()
            .noneMatch(d -> NAMESPACES.contains(d.getMetadata().getNamespace())));
        operator.stop();
      }
    } finally {
      if (lab != null) {
        try {
          lab.resumeOperator();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /**
   * Two domains from allowed namespaces get routes on the fleet domain (the transport's own, owned
   * by it), one from a namespace spec.attach does not allow is listed as refused and gets none;
   * Ready mirrors the fleet domain; a deleted domain's route goes within seconds; the transport's
   * deletion waits while a domain is attached, says so, and completes once none is, and the
   * garbage collector takes the fleet domain with it.
   */
  @Test
  void aTransportRoutesItsAllowedDomainsAndIsDeletedOnlyOnceNoneIsAttached() {
    MailTransport transport = transport("fleet", "provider.example");
    AttachSpec attach = new AttachSpec();
    attach.setNamespaces(List.of(CUSTOMER_A));
    attach.setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels(SELECTED, "yes").build());
    transport.getSpec().setAttach(attach);
    transports().resource(transport).create();
    api(client).resource(attached(CUSTOMER_A, "corp", "corp.example", null)).create();
    api(client).resource(attached(CUSTOMER_B, "shop", "shop.example", "smtp:[mx.shop.internal]:25")).create();
    api(client).resource(attached(OUTSIDER, "grab", "grab.example", null)).create();

    SecureMailDomain fleet = awaitFleet("fleet", routes -> routes.size() == 2);
    assertThat(routes(fleet)).containsExactly("corp.example " + DEFAULT_HOP + " ENCRYPT",
        "shop.example smtp:[mx.shop.internal]:25 ENCRYPT");
    assertThat(fleet.getMetadata().getLabels()).containsEntry(FleetDomain.TRANSPORT_LABEL, "fleet");
    MailTransport created = transports().inNamespace(FLEET).withName("fleet").get();
    assertThat(fleet.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
      assertThat(ref.getUid()).isEqualTo(created.getMetadata().getUid());
      assertThat(ref.getController()).isTrue();
    });
    assertThat(fleet.getSpec().getDomain()).isEqualTo("provider.example");
    assertThat(fleet.getSpec().getMx()).extracting(MxHost::getHost).containsExactly("mx1.provider.example");
    assertThat(fleet.getSpec().getTransport()).isNull();

    MailTransport serving = awaitTransport("fleet", t -> Integer.valueOf(2).equals(t.getStatus().getAttachedDomains()));
    assertThat(serving.getStatus().getRefusedDomains()).containsExactly(OUTSIDER + "/grab");
    assertThat(serving.getStatus().getNotReadyDomains()).containsExactly(CUSTOMER_A + "/corp", CUSTOMER_B + "/shop");
    assertThat(serving.getStatus().getFleetDomain()).isEqualTo(FLEET + "/fleet");
    assertThat(ready(serving).getStatus()).as("the fleet domain has not reported").isEqualTo("False");

    // The fleet domain reports Ready with a DANE phase, as its controller would: the transport mirrors it.
    markReady(FLEET, "fleet", "Stable");
    MailTransport mirrored = awaitTransport("fleet", t -> "True".equals(ready(t).getStatus()));
    assertThat(ready(mirrored).getMessage()).contains("SecureMailDomain " + FLEET + "/fleet is Ready",
        "2 domains attached, 2 not ready, 1 refused");
    assertThat(mirrored.getStatus().getDane().getPhase()).isEqualTo("Stable");

    // A deleted domain's route goes at once.
    api(client).inNamespace(CUSTOMER_B).withName("shop").delete();
    assertThat(routes(awaitFleet("fleet", routes -> routes.size() == 1)))
        .containsExactly("corp.example " + DEFAULT_HOP + " ENCRYPT");
    awaitTransport("fleet", t -> Integer.valueOf(1).equals(t.getStatus().getAttachedDomains()));

    // Deleting the transport while customer A's domain is attached is refused, and says so.
    transports().inNamespace(FLEET).withName("fleet").delete();
    MailTransport blocked = awaitTransport("fleet", t -> "DomainsAttached".equals(ready(t).getReason()));
    assertThat(blocked.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(ready(blocked).getStatus()).isEqualTo("False");
    assertThat(ready(blocked).getMessage()).contains(CUSTOMER_A + "/corp", "Detach or delete them first")
        .doesNotContain(OUTSIDER + "/grab");
    assertThat(warnings(FLEET, "fleet")).anySatisfy(e -> {
      assertThat(e.getReason()).isEqualTo("DomainsAttached");
      assertThat(e.getMessage()).contains(CUSTOMER_A + "/corp", "Detach or delete them first");
    });
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> transports().inNamespace(FLEET).withName("fleet").get() != null
            && api(client).inNamespace(FLEET).withName("fleet").get() != null);

    // Once it is gone (the refused outsider does not count), so is the transport, and its fleet domain.
    api(client).inNamespace(CUSTOMER_A).withName("corp").delete();
    await().atMost(QUICK).until(() -> transports().inNamespace(FLEET).withName("fleet").get() == null);
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> api(client).inNamespace(FLEET).withName("fleet").get() == null);
  }

  /**
   * A SecureMailDomain of the transport's name that it does not own is left alone: Ready says
   * FleetDomainConflict. Once that domain is deleted the transport creates its own at once.
   */
  @Test
  void aDomainInTheWayOfTheFleetDomainIsNotTouched() {
    SecureMailDomain someone = Domains.minimal(FLEET, "taken", "someone.example");
    api(client).resource(someone).create();
    String version = api(client).inNamespace(FLEET).withName("taken").get().getMetadata().getResourceVersion();
    transports().resource(transport("taken", "taken.example")).create();

    MailTransport conflict = awaitTransport("taken", t -> "FleetDomainConflict".equals(ready(t).getReason()));
    assertThat(ready(conflict).getMessage()).contains("SecureMailDomain " + FLEET + "/taken exists");
    assertThat(api(client).inNamespace(FLEET).withName("taken").get().getMetadata().getResourceVersion())
        .isEqualTo(version);

    api(client).inNamespace(FLEET).withName("taken").delete();
    SecureMailDomain fleet = awaitFleet("taken", routes -> true);
    assertThat(fleet.getSpec().getDomain()).isEqualTo("taken.example");
    transports().inNamespace(FLEET).withName("taken").delete();
    await().atMost(QUICK).until(() -> transports().inNamespace(FLEET).withName("taken").get() == null);
  }

  /** What the schema cannot refuse: Ready=False InvalidSpec naming the field, and no fleet domain. */
  @Test
  void anInvalidTransportNamesTheFieldAndCreatesNothing() {
    MailTransport transport = transport("no-mta", "no-mta.example");
    transport.getSpec().setMta(null);
    transports().resource(transport).create();
    MailTransport invalid = awaitTransport("no-mta", t -> "InvalidSpec".equals(ready(t).getReason()));
    assertThat(ready(invalid).getMessage()).contains("spec.mta: required for a MailTransport");
    assertThat(api(client).inNamespace(FLEET).withName("no-mta").get()).isNull();
    transports().inNamespace(FLEET).withName("no-mta").delete();
  }

  static MixedOperation<MailTransport, KubernetesResourceList<MailTransport>, Resource<MailTransport>> transports() {
    return transports(client);
  }

  static MixedOperation<MailTransport, KubernetesResourceList<MailTransport>, Resource<MailTransport>> transports(
      KubernetesClient client) {
    return client.resources(MailTransport.class);
  }

  private static MailTransport transport(String name, String domain) {
    return transport(FLEET, name, domain);
  }

  /** A valid transport: one MX host, a TLS-RPT address, manual DNS publishing, an MTA. */
  static MailTransport transport(String namespace, String name, String domain) {
    MailTransport transport = new MailTransport();
    transport.getMetadata().setNamespace(namespace);
    transport.getMetadata().setName(name);
    MailTransportSpec spec = new MailTransportSpec();
    spec.setDomain(domain);
    spec.setMx(List.of(new MxHost("mx1." + domain, 10)));
    spec.setTlsRpt(new TlsRptSpec(List.of("mailto:tls-reports@" + domain)));
    MtaSpec mta = new MtaSpec();
    mta.getInbound().setDeliverTo(DEFAULT_HOP);
    spec.setMta(mta);
    transport.setSpec(spec);
    return transport;
  }

  private static SecureMailDomain attached(String namespace, String name, String domain, String deliverTo) {
    SecureMailDomain smd = Domains.minimal(namespace, name, domain);
    smd.getSpec().setMx(new ArrayList<>());
    TransportRef ref = new TransportRef("fleet", FLEET);
    ref.setDeliverTo(deliverTo);
    smd.getSpec().setTransport(ref);
    return smd;
  }

  private static void markReady(String namespace, String name, String danePhase) {
    for (int attempt = 1; ; attempt++) {
      SecureMailDomain d = api(client).inNamespace(namespace).withName(name).get();
      SecureMailDomainStatus status = new SecureMailDomainStatus();
      Condition ready = new ConditionBuilder().withType("Ready").withStatus("True").withReason("Ready")
          .withMessage("Every part is in effect.").withObservedGeneration(d.getMetadata().getGeneration())
          .withLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).build();
      status.setConditions(new ArrayList<>(List.of(ready)));
      status.setObservedGeneration(d.getMetadata().getGeneration());
      DaneStatus dane = new DaneStatus();
      dane.setPhase(danePhase);
      status.setDane(dane);
      d.setStatus(status);
      try {
        api(client).resource(d).updateStatus();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  private static List<String> routes(SecureMailDomain fleet) {
    List<InboundRoute> routes = fleet.getSpec().getMta().getInbound().getRoutes();
    return routes.stream().map(r -> r.getDomain() + " " + r.getDeliverTo() + " " + r.getDeliverToTls()).toList();
  }

  private static SecureMailDomain awaitFleet(String name, Predicate<List<String>> routes) {
    try {
      return await().atMost(QUICK).pollInterval(Duration.ofMillis(250))
          .until(() -> api(client).inNamespace(FLEET).withName(name).get(),
              d -> d != null && d.getSpec().getMta() != null && FleetDomain.isFleet(d) && routes.test(routes(d)));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // The routes and the transport's status as they were explain a timeout.
      SecureMailDomain fleet = api(client).inNamespace(FLEET).withName(name).get();
      MailTransport transport = transports().inNamespace(FLEET).withName(name).get();
      throw new AssertionError("the fleet domain " + FLEET + "/" + name + " never had the routes expected; routes: "
          + (fleet == null ? "(no fleet domain)" : routes(fleet)) + "; transport status: "
          + (transport == null ? "(none)" : client.getKubernetesSerialization().asJson(transport.getStatus())), e);
    }
  }

  private static MailTransport awaitTransport(String name, Predicate<MailTransport> predicate) {
    return await().atMost(QUICK).pollInterval(Duration.ofMillis(250))
        .until(() -> transports().inNamespace(FLEET).withName(name).get(),
            t -> t != null && t.getStatus() != null && !t.getStatus().getConditions().isEmpty() && predicate.test(t));
  }

  private static Condition ready(MailTransport transport) {
    return Optional.ofNullable(transport.getStatus()).flatMap(s -> s.getConditions().stream()
        .filter(c -> "Ready".equals(c.getType())).findFirst()).orElse(new Condition());
  }

  private static List<Event> warnings(String namespace, String name) {
    return await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace(namespace).list()
        .getItems().stream().filter(e -> name.equals(e.getInvolvedObject().getName()))
        .filter(e -> "Warning".equals(e.getType())).toList(), l -> !l.isEmpty());
  }
}
