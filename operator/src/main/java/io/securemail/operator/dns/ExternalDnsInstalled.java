package io.securemail.operator.dns;

import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.OptionalCrdInstalled;

/** The activation condition of {@link ExternalDnsEndpoint}: external-dns' CRD is installed. */
public class ExternalDnsInstalled extends OptionalCrdInstalled<DnsEndpoint, SecureMailDomain> {}
