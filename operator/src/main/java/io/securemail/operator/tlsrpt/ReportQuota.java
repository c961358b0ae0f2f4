package io.securemail.operator.tlsrpt;

import java.time.Duration;

/**
 * How much of the bounded store one domain, and one reporting organisation about one domain, may
 * take, so that a flood (thousands of reports from one sender, or about one domain) is refused
 * instead of pushing everyone else's reports out.
 *
 * <p>RFC 8460 (section 4, the report time frame) has a report cover one UTC day, so an organisation
 * sends about one report a day for a domain; {@code organizationReportsPerDay} far above that only
 * stops a sender in a loop. The organisation is the report's {@code organization-name}, which the
 * sender chooses: the per-domain cap is the bound a forged name cannot get around.
 *
 * @param domainBytes the most the kept reports naming one policy domain may take together (bytes)
 * @param organizationReportsPerDay the most reports one organisation may have kept about one
 *     domain within the last {@link #DAY}
 */
public record ReportQuota(long domainBytes, int organizationReportsPerDay) {

  /** The period {@code organizationReportsPerDay} counts over. */
  public static final Duration DAY = Duration.ofHours(24);

  /** No cap beyond the store's own bound. */
  public static final ReportQuota NONE = new ReportQuota(Long.MAX_VALUE, Integer.MAX_VALUE);

  public ReportQuota {
    if (domainBytes <= 0 || organizationReportsPerDay <= 0) {
      throw new IllegalArgumentException("report quotas must be positive");
    }
  }
}
