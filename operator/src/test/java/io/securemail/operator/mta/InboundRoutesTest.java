package io.securemail.operator.mta;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.InboundRoute;
import io.securemail.operator.api.MtaSpec.HopTls;
import io.securemail.operator.api.SecureMailDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InboundRoutesTest {

  static final MtaSettings SETTINGS = new MtaSettings("registry.example/securemail-mta:1", "cluster.local",
      "10.96.0.10", List.of(), MtaSettings.Resources.POSTFIX, null);

  private static SecureMailDomain withRoutes(InboundRoute... routes) {
    SecureMailDomain domain = MtaFixtures.domain();
    domain.getSpec().getMta().getInbound().setRoutes(new ArrayList<>(List.of(routes)));
    return domain;
  }

  private static PostfixFiles render(SecureMailDomain domain) {
    return PostfixConfig.render(domain.getSpec(), PostfixLayout.pod());
  }

  /** A texthash table as key -> value, in file order, without comments. */
  private static Map<String, String> table(String text) {
    Map<String, String> entries = new LinkedHashMap<>();
    text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split(" ", 2))
        .forEach(p -> entries.put(p[0], p[1]));
    return entries;
  }

  @Test
  void eachRoutedDomainIsRelayedToItsOwnNextHopWithItsOwnTlsLevel() {
    PostfixFiles files = render(withRoutes(
        new InboundRoute("shop.example", "smtp:[store-a.mail.svc]:2525", HopTls.ENCRYPT),
        new InboundRoute("Blog.Example", "lmtp:[store-b.mail.svc]:24", HopTls.MAY),
        new InboundRoute("legacy.example", "smtp:[10.0.0.7]", HopTls.MAY)));

    assertThat(table(files.routingTables().get(InboundRoutes.DOMAINS)).keySet())
        .containsExactly("blog.example", "legacy.example", "shop.example");
    assertThat(table(files.routingTables().get(InboundRoutes.TRANSPORT))).containsExactly(
        Map.entry("blog.example", "route-lmtp-may:[store-b.mail.svc]:24"),
        Map.entry("legacy.example", "route-smtp-may:[10.0.0.7]"),
        Map.entry("shop.example", "route-smtp-encrypt:[store-a.mail.svc]:2525"));
    // The domain itself still goes to its own mail store, through relay_transport.
    assertThat(files.mainCf()).contains("relay_transport = lmtp:[dovecot.mail.svc.cluster.local]:24\n")
        .contains("relay_domains = example.com, texthash:/etc/securemail/postfix/inbound_domains\n")
        .contains("transport_maps = texthash:/etc/securemail/postfix/inbound_transport\n");
  }

  /** encrypt: no mail (and no recipient probe) to that hop in the clear; no internet policy on the way in. */
  @Test
  void theRouteServicesFixTheirTlsLevelAndIgnoreTheInternetPolicy() {
    String master = render(MtaFixtures.domain()).masterCf();
    assertThat(master).containsPattern("(?m)^route-smtp-encrypt unix .* smtp\\n  -o syslog_name=postfix/route-smtp-encrypt\\n"
        + "  -o smtp_tls_security_level=encrypt\\n  -o smtp_tls_policy_maps=\\n  -o smtp_header_checks=$");
    assertThat(master).containsPattern("(?m)^route-smtp-may unix .* smtp\\n  -o syslog_name=postfix/route-smtp-may\\n"
        + "  -o smtp_tls_security_level=may\\n");
    assertThat(master).containsPattern("(?m)^route-lmtp-encrypt unix .* lmtp\\n  -o syslog_name=postfix/route-lmtp-encrypt\\n"
        + "  -o lmtp_tls_security_level=encrypt$");
    assertThat(master).containsPattern("(?m)^route-lmtp-may unix .* lmtp\\n  -o syslog_name=postfix/route-lmtp-may\\n"
        + "  -o lmtp_tls_security_level=may$");
  }

  /** Recipient verification is the same restriction for every relayed domain: it probes along each route. */
  @Test
  void everyRoutedDomainsRecipientsAreVerifiedBeforeAcceptance() {
    PostfixFiles files = render(withRoutes(new InboundRoute("shop.example", "smtp:[store-a]:25", HopTls.ENCRYPT)));
    assertThat(files.mainCf()).contains("smtpd_recipient_restrictions = reject_unverified_recipient\n")
        .contains("smtpd_relay_restrictions = permit_auth_destination, check_recipient_mx_access "
            + "texthash:/etc/securemail/postfix/inbound_own_mx, reject_unauth_destination\n");
    // A subdomain of a routed domain is not relayed: relay_domains tables are not parent-matched.
    assertThat(files.mainCf()).containsPattern("(?m)^parent_domain_matches_subdomains = (?!.*relay_domains).*$");
  }

  /** A domain that names this MTA as MX but has no route (any more) is deferred, not refused for good. */
  @Test
  void anUnroutedDomainNamingThisMtaAsMxIsDeferred() {
    Map<String, String> ownMx = table(render(MtaFixtures.domain()).routingTables().get(PostfixConfig.OWN_MX));
    assertThat(ownMx.keySet()).containsExactly("mx1.example.com", "mx2.example.com");
    assertThat(ownMx.values()).allMatch(v -> v.startsWith("450 4.4.4 "));
  }

  @Test
  void aThousandRoutesAreAThousandTableLinesInAStableOrderAndMainCfDoesNotGrow() {
    List<InboundRoute> routes = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      routes.add(new InboundRoute(String.format("d%04d.customers.example", i),
          "smtp:[store-" + (i % 7) + ".mail.svc]:2525", i % 3 == 0 ? HopTls.MAY : HopTls.ENCRYPT));
    }
    List<InboundRoute> shuffled = new ArrayList<>(routes);
    Collections.shuffle(shuffled, new Random(17));
    PostfixFiles ordered = render(withRoutes(routes.toArray(InboundRoute[]::new)));
    PostfixFiles other = render(withRoutes(shuffled.toArray(InboundRoute[]::new)));
    PostfixFiles none = render(MtaFixtures.domain());

    assertThat(other.byName()).as("the same routes in another order render the same files").isEqualTo(ordered.byName());
    Map<String, String> transport = table(ordered.routingTables().get(InboundRoutes.TRANSPORT));
    assertThat(transport).hasSize(1000);
    assertThat(new ArrayList<>(transport.keySet())).isSorted();
    assertThat(transport).containsEntry("d0000.customers.example", "route-smtp-may:[store-0.mail.svc]:2525")
        .containsEntry("d0999.customers.example", "route-smtp-may:[store-5.mail.svc]:2525")
        .containsEntry("d0001.customers.example", "route-smtp-encrypt:[store-1.mail.svc]:2525");
    assertThat(table(ordered.routingTables().get(InboundRoutes.DOMAINS))).hasSize(1000);
    assertThat(ordered.mainCf()).as("main.cf with 1,000 routes").isEqualTo(none.mainCf());
    assertThat(ordered.masterCf()).as("master.cf with 1,000 routes").isEqualTo(none.masterCf());
    // Well inside a ConfigMap's 1 MiB.
    assertThat(ordered.byName().values().stream().mapToInt(String::length).sum()).isLessThan(200_000);
  }

  @Test
  void duplicatesTheDomainItselfAndCaseAreSettledPredictably() {
    PostfixFiles files = render(withRoutes(
        new InboundRoute("shop.example", "smtp:[store-b]:25", HopTls.ENCRYPT),
        new InboundRoute("SHOP.example", "smtp:[store-a]:25", HopTls.ENCRYPT),
        new InboundRoute("example.com", "smtp:[elsewhere]:25", HopTls.MAY)));
    assertThat(table(files.routingTables().get(InboundRoutes.TRANSPORT))).as("one entry per domain, the first "
        + "next hop in sorted order; the MTA's own domain keeps its deliverTo")
        .containsExactly(Map.entry("shop.example", "route-smtp-encrypt:[store-a]:25"));
  }

  /** A route change reaches the Pods by reload: the ConfigMap changes, the Pod template does not. */
  @Test
  void aRouteAddedOrRemovedChangesTheConfigMapButNotThePodTemplate() {
    SecureMailDomain domain = withRoutes(new InboundRoute("shop.example", "smtp:[store-a]:25", HopTls.ENCRYPT));
    var before = MtaManifests.configMap(domain, SETTINGS);
    domain.getSpec().getMta().getInbound().getRoutes()
        .add(new InboundRoute("blog.example", "lmtp:[store-b]:24", HopTls.MAY));
    var added = MtaManifests.configMap(domain, SETTINGS);
    domain.getSpec().getMta().getInbound().getRoutes().clear();
    var removed = MtaManifests.configMap(domain, SETTINGS);

    assertThat(added.getData()).isNotEqualTo(before.getData());
    assertThat(removed.getData().get(InboundRoutes.TRANSPORT)).doesNotContain("shop.example");
    assertThat(MtaManifests.configHash(added)).isEqualTo(MtaManifests.configHash(before))
        .isEqualTo(MtaManifests.configHash(removed));
    assertThat(MtaManifests.statefulSet(domain, SETTINGS, MtaManifests.configHash(added)))
        .isEqualTo(MtaManifests.statefulSet(domain, SETTINGS, MtaManifests.configHash(before)));
    // Anything else still changes the hash (those settings are read at start by some daemons).
    domain.getSpec().getMta().getInbound().setRequireTls(true);
    assertThat(MtaManifests.configHash(MtaManifests.configMap(domain, SETTINGS)))
        .isNotEqualTo(MtaManifests.configHash(removed));
  }
}
