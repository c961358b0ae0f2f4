package io.securemail.operator.certs;

/** Phases of the DANE key rollover (status.dane.phase). */
public enum RolloverPhase {
  /** No TLSA of ours is published yet: the MTA is given the serving key first, TLSA follows once it serves. */
  Initial,
  /** The serving key is in use; the next key's TLSA is published and ageing. */
  Stable,
  /** The MTA has been told to serve the next key; waiting until every MX serves it. */
  Switching,
  /** The new key serves everywhere; the old key's TLSA goes once no MX serves it, and a fresh next key is made. */
  Retiring
}
