/**
 * Mail: Postfix as the MX hosts (with the kubelet's part of mounting their certificates), the
 * operator's MTA run for real, the MTA image's outbound TLS policy services, and a recording mail
 * server as mail store and destinations.
 */
package io.securemail.lab.mail;
