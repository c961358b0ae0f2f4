/**
 * The Kubernetes cluster: the control plane with its PKI, the node (container engine, the project's
 * images, kubelet and kube-proxy, the Pod network and what the node changes on the machine), the
 * chart's RBAC, and the packaged operator run as a process against the control plane.
 */
package io.securemail.lab.cluster;
