package io.securemail.operator.mta;

/**
 * Operator-wide settings of the MTA Pods (securemail.mta.*, the Helm chart's mta.* values).
 *
 * @param image the MTA image (operator/src/main/docker/mta/Dockerfile)
 * @param clusterDomain the cluster's DNS domain
 * @param clusterDnsAddress the cluster DNS Service address the Pod's resolver forwards the cluster domain to
 */
public record MtaSettings(String image, String clusterDomain, String clusterDnsAddress) {}
