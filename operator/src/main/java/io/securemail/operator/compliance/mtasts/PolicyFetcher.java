package io.securemail.operator.compliance.mtasts;

import java.net.InetAddress;
import java.util.List;

/** Fetches the MTA-STS policy of a domain the way a sending MTA does (RFC 8461 section 3.3). */
public interface PolicyFetcher {

  /**
   * @param domain the policy domain; the policy host is {@code mta-sts.<domain>}
   * @param addresses the policy host's addresses, resolved by the caller (so lookups go through the
   *     configured resolver)
   * @param port 443 except in a lab
   */
  PolicyFetch fetch(String domain, List<InetAddress> addresses, int port);
}
