package io.securemail.e2e;

import io.securemail.lab.Lab;
import io.securemail.lab.mail.MxMount;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.SecureMailDomain;
import java.util.List;

/**
 * A domain whose MX host is really served: its zone at the lab's Knot (published by RFC 2136),
 * {@code mx.<zone>} pointing at one of the lab Postfix's addresses, that address serving the
 * domain's serving Secret, and certificates from the lab CA.
 */
record LabMx(SecureMailDomain domain, MxMount mount, String host, String address) {

  /** Prepares namespace, TSIG Secret, the MX address record and the mount; the caller creates the domain. */
  static LabMx prepare(Lab lab, String namespace, String name, String zone, String address) throws Exception {
    var client = lab.client();
    Domains.createNamespace(client, namespace);
    Domains.tsigSecret(client, namespace, "tsig", lab.dns().tsigSecret());
    String host = "mx." + zone;
    LabDns.addForeign(lab.dns(), zone, host + ". 300 IN A " + address);
    MxMount mount = lab.postfix().mount(client, namespace, name + "-mx-tls", address);
    SecureMailDomain smd = Domains.rfc2136(namespace, name, zone, lab.dns().authoritativeAddress() + ":"
        + lab.dns().authoritativePort(), zone + ".", lab.dns().tsigKeyName(), "tsig");
    smd.getSpec().getMx().get(0).setHost(host);
    smd.getSpec().getDns().setTtl(30);
    smd.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    return new LabMx(smd, mount, host, address);
  }

  /** Postfix's own DANE client against the MX host, resolving through the lab resolver (a private mount namespace). */
  static String posttlsFinger(Lab lab, String host) throws Exception {
    String finger = String.join(" ", lab.postfix().postTlsFinger("-c", "-l", "dane", "-L", "summary", "'[" + host + "]'"));
    return ManagedProcess.run(List.of("unshare", "-m", "sh", "-c",
        "mount --bind " + lab.dns().resolvConf() + " /etc/resolv.conf && " + finger)).output();
  }
}
