package io.securemail.bench;

import java.time.Instant;

/** One write request of the operator, as the API server audited it. */
record ApiWrite(Instant at, String verb, String resource, String subresource, String namespace, String name,
    int code, String reason) {

  /** "resource" or "resource/subresource", e.g. securemaildomains/status. */
  String target() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  /** For a refused write: "code reason", e.g. "409 Conflict". */
  String refusal() {
    return code + (reason.isEmpty() ? "" : " " + reason);
  }

  /** "(resource, verb, subresource)". */
  String kind() {
    return "(" + resource + ", " + verb + (subresource.isEmpty() ? "" : ", " + subresource) + ")";
  }
}
