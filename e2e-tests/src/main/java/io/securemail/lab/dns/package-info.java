/**
 * The DNS: Knot as the signing authoritative server, BIND 9 as a second RFC 2136 implementation,
 * Unbound as the validating resolver the operator observes DNS through, and the records the lab
 * adds to the zones.
 */
package io.securemail.lab.dns;
