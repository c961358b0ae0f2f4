/**
 * The lab the end-to-end tests run against: real servers on loopback and on a real Kubernetes node,
 * never mocks of them. {@link io.securemail.lab.Lab} starts the whole lab for a test run and
 * {@link io.securemail.lab.LocalLab} the same for a person trying the operator; what needs the whole
 * lab (the chart installed on the node, what a user does after applying a domain there) is here too.
 *
 * <p>Each part is in the sub-package of what it stands in for: {@link io.securemail.lab.cluster}
 * (control plane and node), {@link io.securemail.lab.dns}, {@link io.securemail.lab.certmanager},
 * {@link io.securemail.lab.mail} and {@link io.securemail.lab.mtasts}; helpers they all use are in
 * {@link io.securemail.lab.support}. The parts depend on support, DNS also on the cluster (its
 * servers listen on the node address), and none on this package.
 */
package io.securemail.lab;
