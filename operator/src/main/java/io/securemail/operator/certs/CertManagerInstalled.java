package io.securemail.operator.certs;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.OptionalCrdInstalled;

/** The activation condition of the Certificate dependents: cert-manager's Certificate CRD is installed. */
public class CertManagerInstalled extends OptionalCrdInstalled<Certificate, SecureMailDomain> {}
