package io.securemail.operator.compliance;

/** The verdict of one check on one subject; the lowercase names are the public wire format. */
public enum CheckStatus {
  /** The requirement is met. */
  pass,
  /** Not a violation of the profile, but something an administrator should look at. */
  warn,
  /** The profile's requirement is violated: the domain is not compliant. */
  fail,
  /** The check does not apply (e.g. no TLSA records to match), said in the message. */
  skip
}
