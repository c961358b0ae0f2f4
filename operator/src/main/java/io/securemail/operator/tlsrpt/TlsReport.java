package io.securemail.operator.tlsrpt;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One SMTP TLS report, the JSON object of RFC 8460 section 4 (fields the operator does not read are
 * ignored, so a sender's extensions pass). Built by {@link ReportParser}, which checks the shape.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TlsReport(
    @JsonProperty("organization-name") String organizationName,
    @JsonProperty("date-range") DateRange dateRange,
    @JsonProperty("contact-info") String contactInfo,
    @JsonProperty("report-id") String reportId,
    @JsonProperty("policies") List<PolicyResult> policies) {

  /** RFC 8460 section 4.1: the period the report covers, RFC 3339 date-times. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DateRange(
      @JsonProperty("start-datetime") String startDatetime,
      @JsonProperty("end-datetime") String endDatetime) {}

  /** One entry of {@code policies}: the policy applied and the sessions under it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PolicyResult(
      @JsonProperty("policy") Policy policy,
      @JsonProperty("summary") Summary summary,
      @JsonProperty("failure-details") List<FailureDetail> failureDetails) {}

  /** RFC 8460 section 4.2. {@code policy-string} and {@code mx-host} are lists; a lone string is taken as one. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Policy(
      @JsonProperty("policy-type") String policyType,
      @JsonProperty("policy-string") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
          List<String> policyString,
      @JsonProperty("policy-domain") String policyDomain,
      @JsonProperty("mx-host") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
          List<String> mxHost) {}

  /** RFC 8460 section 4.3: the session counts. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Summary(
      @JsonProperty("total-successful-session-count") Long totalSuccessfulSessionCount,
      @JsonProperty("total-failure-session-count") Long totalFailureSessionCount) {}

  /** RFC 8460 section 4.3: one kind of failure, where it happened, how often. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record FailureDetail(
      @JsonProperty("result-type") String resultType,
      @JsonProperty("sending-mta-ip") String sendingMtaIp,
      @JsonProperty("receiving-mx-hostname") String receivingMxHostname,
      @JsonProperty("receiving-mx-helo") String receivingMxHelo,
      @JsonProperty("receiving-ip") String receivingIp,
      @JsonProperty("failed-session-count") Long failedSessionCount,
      @JsonProperty("additional-information") String additionalInformation,
      @JsonProperty("failure-reason-code") String failureReasonCode) {}
}
