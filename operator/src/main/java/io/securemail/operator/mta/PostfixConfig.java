package io.securemail.operator.mta;

import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.MtaSpec.HopTls;
import io.securemail.operator.api.SecureMailDomainSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders Postfix's main.cf and master.cf for a domain's MTA: a pure function of the spec and the
 * {@link PostfixLayout}. Postfix 3.7 (Debian 12).
 *
 * <p>The shape: port 25 accepts mail for the domain's existing addresses only (the mail store is
 * asked first) and relays it to the mail store (the {@code relay} transport, or {@code lmtp});
 * port 587 accepts mail to anywhere, only over TLS, only from
 * {@code spec.mta.outbound.allowedNetworks}, only from a client presenting a certificate with a
 * listed key, and only from senders of the domain ({@link SubmissionTables}); the {@code smtp}
 * transport delivers it with DANE and MTA-STS. Inbound and outbound use different transports, so
 * outbound-only settings (header stripping, {@link OutboundHeaderChecks}, the DANE/MTA-STS policy)
 * never touch mail on its way to the mail store.
 */
public final class PostfixConfig {

  /**
   * The master.cf entries of Postfix's internal services, none chrooted: what every Postfix
   * needs beside its listeners and delivery transports.
   */
  public static final String INTERNAL_SERVICES = """
        # pickup: "postqueue -f" and "postfix flush" (retrying the queue now, e.g. after the mail
        # store was down) wake it before qmgr; without it they fail, "mail system is down".
        pickup    unix  n       -       n       60      1       pickup
        # showq: "postqueue -p" / "postqueue -j" (what is queued, and why) ask it; without it
        # postqueue reports "mail system is down" and reads the queue files itself, as root only.
        showq     unix  n       -       n       -       -       showq
        cleanup   unix  n       -       n       -       0       cleanup
        qmgr      unix  n       -       n       300     1       qmgr
        tlsmgr    unix  -       -       n       1000?   1       tlsmgr
        rewrite   unix  -       -       n       -       -       trivial-rewrite
        bounce    unix  -       -       n       -       0       bounce
        defer     unix  -       -       n       -       0       bounce
        trace     unix  -       -       n       -       0       bounce
        verify    unix  -       -       n       -       1       verify
        flush     unix  n       -       n       1000?   0       flush
        proxymap  unix  -       -       n       -       -       proxymap
        error     unix  -       -       n       -       -       error
        retry     unix  -       -       n       -       -       error
        discard   unix  -       -       n       -       -       discard
        anvil     unix  -       -       n       -       1       anvil
        scache    unix  -       -       n       -       1       scache
        postlog   unix-dgram n  -       n       -       1       postlogd
        """;

  /** texthash table of check_recipient_mx_access: the MTA's own MX host names ({@link #ownMx}). */
  public static final String OWN_MX = "inbound_own_mx";

  /** The application name Postfix passes to OpenSSL (tls_config_name), which openssl.cnf maps to its settings. */
  static final String OPENSSL_APPLICATION = "postfix";

  private PostfixConfig() {}

  /** The configuration without a TLS report receiver: report mail goes to the mail store. */
  public static PostfixFiles render(SecureMailDomainSpec spec, PostfixLayout layout) {
    return render(spec, layout, null);
  }

  /**
   * @param receiver the operator's TLS report receiver, or null when the operator runs none (then
   *     spec.tlsRpt.receive.mail changes nothing: report mail goes to the mail store)
   */
  public static PostfixFiles render(SecureMailDomainSpec spec, PostfixLayout layout, ReportReceiver receiver) {
    MtaSpec mta = spec.getMta();
    if (mta == null) {
      throw new IllegalArgumentException("spec.mta is not set: the operator runs no MTA for this domain");
    }
    Map<String, String> reportTables = TlsRptMailRoutes.render(spec, receiver);
    Map<String, String> tables = new TreeMap<>(InboundRoutes.render(spec));
    tables.put(OWN_MX, ownMx(spec));
    return new PostfixFiles(mainCf(spec, mta, layout, reportTables) + TlsRptMailRoutes.mainCf(reportTables, layout),
        masterCf(mta, layout) + TlsRptMailRoutes.masterCf(reportTables),
        OutboundHeaderChecks.render(hostname(spec), mta.getOutbound().getAllowedNetworks()), opensslCnf(mta),
        SubmissionTables.render(spec), reportTables, tables);
  }

  /**
   * transport_maps: the TLS report addresses first (when the operator receives report mail), then
   * the routes. Postfix searches every table for the full address before any for the domain
   * (transport(5), TABLE SEARCH ORDER); the report addresses are of the MTA's own domain, which
   * has no route, so the two never compete anyway.
   */
  private static String transportMaps(Map<String, String> reportTables, PostfixLayout layout) {
    String routes = InboundRoutes.transportMap(layout);
    return reportTables.isEmpty() ? routes : TlsRptMailRoutes.transportMap(layout) + ", " + routes;
  }

  /**
   * The access table of check_recipient_mx_access: this MTA's MX host names (spec.mx), each with
   * the temporary refusal for a domain that names one of them as MX but is not (or no longer)
   * routed here. RFC 3463 X.4.4 "unable to route" is "useful only as a persistent transient error".
   */
  static String ownMx(SecureMailDomainSpec spec) {
    StringBuilder out = new StringBuilder("""
        # Rendered by securemail-operator: this MTA's MX hosts. Mail for a domain that is neither the
        # MTA's own nor routed, but whose MX record names one of them, is deferred (450), not refused.
        """);
    List<String> hosts = spec.getMx() == null ? List.of()
        : spec.getMx().stream().map(m -> m.getHost().toLowerCase(Locale.ROOT)).distinct().sorted().toList();
    for (String host : hosts) {
      out.append(host).append(" 450 4.4.4 this host does not (or no longer) receive mail for this domain; "
          + "retry later, when its MX records name its current servers\n");
    }
    return out.toString();
  }

  /** The name the MTA greets with: spec.mta.hostname, else the first MX host. */
  public static String hostname(SecureMailDomainSpec spec) {
    String name = spec.getMta().getHostname() != null ? spec.getMta().getHostname() : spec.getMx().get(0).getHost();
    return name.toLowerCase(Locale.ROOT);
  }

  private static String mainCf(SecureMailDomainSpec spec, MtaSpec mta, PostfixLayout layout,
      Map<String, String> reportTables) {
    TlsProfileSettings tls = TlsProfileSettings.of(mta.getTlsProfile());
    MtaSpec.OutboundSpec outbound = mta.getOutbound();
    boolean dane = Boolean.TRUE.equals(outbound.getDane());
    boolean mtaSts = Boolean.TRUE.equals(outbound.getMtaSts());
    String domain = spec.getDomain().toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder();
    out.append("""
        # Rendered by securemail-operator for %1$s (profile %2$s). Do not edit: the operator
        # rewrites this file from the SecureMailDomain's spec.mta.
        compatibility_level = 3.6
        myhostname = %3$s
        mydomain = %1$s
        myorigin = $mydomain
        queue_directory = %4$s
        data_directory = %5$s
        # Logs go to the container's output, through the postlog service in master.cf.
        maillog_file = /dev/stdout
        inet_interfaces = %6$s
        biff = no
        smtpd_banner = $myhostname ESMTP

        # Not a mailbox server: no local delivery, no aliases.
        mydestination =
        local_recipient_maps =
        local_transport = error:5.1.1 this MTA delivers no mail locally
        alias_maps =
        alias_database =

        # Inbound: mail for the domain is relayed to the mail store, mail for each domain of
        # spec.mta.inbound.routes to that route's next hop (the inbound_domains and
        # inbound_transport tables: texthash, re-read at each reload, no postmap). Port 25 relays
        # nothing else (mynetworks is empty here; only the submission service sets it), and no
        # subdomain of these domains: relay_domains and access tables match names exactly
        # (Postfix's default lets a parent domain match its subdomains).
        mynetworks =
        relay_domains = %8$s
        relay_transport = %7$s
        transport_maps = %9$s
        parent_domain_matches_subdomains = debug_peer_list, fast_flush_domains, mynetworks, permit_mx_backup_networks, qmqpd_authorized_clients
        # Another domain whose MX record still names this MTA (a route just removed, while senders
        # hold the old MX record; or one whose records were published before its route) is
        # refused with 450 (RFC 5321 section 4.2.1: transient, the sender keeps the message and
        # retries, and finds the domain's new MX, or its route, by then). Any other domain: 554
        # 5.7.1 relay access denied (section 4.2.1: permanent), this host never takes its mail.
        smtpd_relay_restrictions = permit_auth_destination, check_recipient_mx_access texthash:%10$s, reject_unauth_destination
        smtpd_helo_required = yes
        disable_vrfy_command = yes

        # Unknown recipients are refused during the SMTP dialogue, not bounced later: a bounce of
        # accepted mail goes to the envelope sender, which spam forges (backscatter). Postfix asks
        # the mail store with a probe (MAIL and RCPT, no DATA) along the delivery route and caches
        # the answer: a 5xx from the store refuses the RCPT with 550. While the store cannot
        # answer (down, unreachable), an address it confirmed before (positive answers are kept
        # for weeks) is accepted and queued; any other is deferred with 450, so the sender keeps
        # the message and retries, and nothing is accepted that might have to be bounced.
        smtpd_recipient_restrictions = reject_unverified_recipient
        unverified_recipient_reject_code = 550
        unverified_recipient_tempfail_action = defer_if_permit

        """.formatted(domain, profileName(mta), hostname(spec), layout.queueDir(), layout.dataDir(),
        layout.inetInterfaces(), relayTransport(mta.getInbound().getDeliverTo()),
        InboundRoutes.relayDomains(spec, layout), transportMaps(reportTables, layout),
        layout.configFile(OWN_MX)));
    if (Boolean.TRUE.equals(mta.getInbound().getProxyProtocol())) {
      out.append("""
          # The load balancer sends the PROXY protocol header (v1 or v2) first: the client's real
          # address is read from it, for mynetworks, logs and Received headers.
          smtpd_upstream_proxy_protocol = haproxy
          smtpd_upstream_proxy_timeout = 5s

          """);
    }
    out.append("""
        # Inbound TLS (RFC 3207). A publicly-referenced MX must not require TLS (RFC 3207 section
        # 4), so "may" unless spec.mta.inbound.requireTls says otherwise.
        smtpd_tls_security_level = %1$s
        smtpd_tls_cert_file = %2$s
        smtpd_tls_key_file = %3$s
        smtpd_tls_protocols = %4$s
        smtpd_tls_mandatory_protocols = %4$s
        smtpd_tls_ciphers = %5$s
        smtpd_tls_mandatory_ciphers = %5$s
        tls_high_cipherlist = %6$s
        # Server cipher preference; no TLS compression (CRIME) and no renegotiation (TR-02102-2).
        tls_preempt_cipherlist = yes
        tls_ssl_options = NO_COMPRESSION, NO_RENEGOTIATION
        # Recipients can see how each message arrived: protocol, suite and key in Received.
        smtpd_tls_received_header = yes
        smtpd_tls_loglevel = 1
        # No session cache and no tickets: every handshake presents the key configured now, so a
        # DANE key switch is visible at once to senders and to the operator's probe.
        smtpd_tls_session_cache_timeout = 0

        """.formatted(Boolean.TRUE.equals(mta.getInbound().getRequireTls()) ? "encrypt" : "may",
        layout.certFile(), layout.keyFile(), tls.protocols(), tls.cipherGrade(), tls.highCipherList()));
    out.append(tlsConfig(tls, layout));
    out.append("""
        # Outbound TLS. DANE (RFC 7672) needs DNSSEC-validated answers: the resolver in resolv.conf
        # validates (Unbound in the Pod) and Postfix trusts its AD bit.
        smtp_tls_security_level = %1$s
        smtp_dns_support_level = %2$s
        smtp_tls_protocols = %3$s
        smtp_tls_mandatory_protocols = %3$s
        smtp_tls_ciphers = %4$s
        smtp_tls_mandatory_ciphers = %5$s
        # The roots for MTA-STS's PKIX check (RFC 8461 section 4.2).
        smtp_tls_CAfile = %6$s
        smtp_tls_loglevel = 1
        smtp_tls_note_starttls_offer = yes
        """.formatted(dane ? "dane" : "may", dane ? "dnssec" : "enabled", tls.protocols(),
        tls.opportunisticOutboundGrade(), tls.cipherGrade(), layout.caFile()));
    if (mtaSts) {
      out.append("""
          # MTA-STS (RFC 8461) through the DANE-first policy daemon: it answers "dane" for a
          # destination with DNSSEC-secure TLSA records and asks mta-sts-daemon otherwise, because
          # MTA-STS must never override DANE (RFC 8461 section 2).
          smtp_tls_policy_maps = socketmap:%s:postfix
          """.formatted(layout.tlsPolicyMap()));
    }
    out.append(SubmissionTables.mainCf(mta, layout));
    return out.toString();
  }

  /**
   * main.cf lines that make Postfix load {@link #opensslCnf}, for a profile that restricts TLS 1.3's
   * suites; none otherwise (Postfix then loads the system's OpenSSL configuration, as by default).
   */
  private static String tlsConfig(TlsProfileSettings tls, PostfixLayout layout) {
    if (tls.tls13Suites() == null) {
      return "";
    }
    return """
        # Both directions: TLS 1.3's suites, which no Postfix parameter sets, and the protocol
        # floor are OpenSSL settings, read from this file instead of the system's openssl.cnf.
        # Postfix disables TLS when the file cannot be loaded (postconf(5) tls_config_file).
        tls_config_file = %s
        tls_config_name = %s

        """.formatted(layout.configFile(PostfixFiles.OPENSSL_CNF), OPENSSL_APPLICATION);
  }

  /**
   * The OpenSSL configuration of a profile that restricts TLS 1.3's suites, or null. The chain
   * application name &rarr; {@code ssl_conf} &rarr; {@code system_default} is how OpenSSL 1.1.1
   * and 3.x apply settings to every SSL context an application creates (config(5),
   * SSL_CONF_cmd(3)); Postfix then adds its own parameters (protocols, TLS 1.2 cipher list,
   * options) on top. {@code Ciphersuites} governs TLS 1.3 only (TR-02102-2 Table 11);
   * {@code MinProtocol} repeats Postfix's {@code >=TLSv1.2} as a floor under every context.
   */
  public static String opensslCnf(MtaSpec mta) {
    TlsProfileSettings tls = TlsProfileSettings.of(mta.getTlsProfile());
    if (tls.tls13Suites() == null) {
      return null;
    }
    return """
        # Rendered by securemail-operator (profile %1$s). Do not edit: the operator rewrites this
        # file from the SecureMailDomain's spec.mta. Postfix loads it (main.cf tls_config_file)
        # instead of the system's openssl.cnf, under the application name %2$s (tls_config_name).
        %2$s = securemail_postfix

        [securemail_postfix]
        ssl_conf = securemail_ssl

        [securemail_ssl]
        system_default = securemail_tls

        [securemail_tls]
        # TLS 1.2 and newer, as smtpd/smtp_tls_protocols say.
        MinProtocol = TLSv1.2
        # TLS 1.3 suites, server preference in this order: BSI TR-02102-2 (2023-01) Table 11.
        # TLS 1.2 suites are Postfix's tls_high_cipherlist (a subset of Table 1).
        Ciphersuites = %3$s
        """.formatted(profileName(mta), OPENSSL_APPLICATION, tls.tls13Suites());
  }

  /**
   * relay_transport for the mail store: {@code smtp:[host]:port} uses the {@code relay} service (so
   * outbound-only {@code smtp} settings do not apply), {@code lmtp:[host]:port} the lmtp client.
   */
  static String relayTransport(String deliverTo) {
    return deliverTo.startsWith("smtp:") ? "relay:" + deliverTo.substring("smtp:".length()) : deliverTo;
  }

  private static String masterCf(MtaSpec mta, PostfixLayout layout) {
    StringBuilder out = new StringBuilder("""
        # Rendered by securemail-operator. Nothing is chrooted: the container is the isolation, and
        # chroot would need CAP_SYS_CHROOT.
        # service  type  private unpriv  chroot  wakeup  maxproc command + args
        """);
    for (String listen : layout.smtpListen()) {
      out.append(String.format("%s inet n - n - - smtpd%n", listen));
    }
    if (MtaManifests.submission(mta)) {
      List<String> networks = mta.getOutbound().getAllowedNetworks();
      for (String listen : layout.submissionListen()) {
        // Submission for the organisation's own hosts (RFC 6409): TLS required on this hop too,
        // only the allowed networks, only a client whose certificate key is listed, only senders
        // of the domain (main.cf's securemail_submission_* restrictions). Recipients are not
        // verified here: that would probe the internet's servers.
        out.append(String.format("""
            %s inet n - n - - smtpd
              -o syslog_name=postfix/submission
              -o smtpd_tls_security_level=encrypt
              -o smtpd_tls_ask_ccert=yes
              -o { mynetworks = %s }
              -o smtpd_client_restrictions=$securemail_submission_client_restrictions
              -o smtpd_sender_restrictions=$securemail_submission_sender_restrictions
              -o smtpd_relay_restrictions=$securemail_submission_relay_restrictions
              -o smtpd_recipient_restrictions=
            """, listen, String.join(" ", networks)));
      }
    }
    String storeTls = mta.getInbound().getDeliverToTls() == HopTls.MAY ? "may" : "encrypt";
    boolean strip = Boolean.TRUE.equals(mta.getOutbound().getStripInternalHeaders());
    out.append(INTERNAL_SERVICES);
    out.append(InboundRoutes.masterCf());
    out.append("""
        # Outbound to the internet: DANE and MTA-STS as main.cf says.
        smtp      unix  -       -       n       -       -       smtp
        """);
    if (strip) {
      out.append("  -o smtp_header_checks=regexp:${config_directory}/" + PostfixFiles.OUTBOUND_HEADER_CHECKS + "\n");
    }
    out.append(String.format("""
        # To the mail store: its own TLS level, and no internet TLS policy.
        relay     unix  -       -       n       -       -       smtp
          -o smtp_tls_security_level=%1$s
          -o smtp_tls_policy_maps=
          -o smtp_header_checks=
        lmtp      unix  -       -       n       -       -       lmtp
          -o lmtp_tls_security_level=%1$s
        """, storeTls));
    return out.toString();
  }

  private static String profileName(MtaSpec mta) {
    return mta.getTlsProfile() == MtaSpec.TlsProfile.MOZILLA_INTERMEDIATE ? "mozilla-intermediate" : "bsi-tr-03108";
  }
}
