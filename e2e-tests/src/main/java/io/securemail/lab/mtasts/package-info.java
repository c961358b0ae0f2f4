/**
 * MTA-STS policy hosting: nginx with the operator's own configuration on loopback instead of a Pod,
 * fed from a namespace's objects as the kubelet feeds the Pod, and a policy server that serves
 * policies the wrong way on purpose.
 */
package io.securemail.lab.mtasts;
