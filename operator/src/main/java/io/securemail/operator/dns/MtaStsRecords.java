package io.securemail.operator.dns;

import io.securemail.operator.api.PolicyHostSpec;
import java.util.function.Predicate;

/**
 * What the MTA-STS step lets the DNS step publish.
 *
 * @param txt the {@code _mta-sts} TXT text ("v=STSv1; id=..."), null for none
 * @param mxAllowed which MX hosts may have an MX record yet (those the published policy lists)
 * @param policyHost where mta-sts.&lt;domain&gt; points, null when its record is not ours to publish
 */
public record MtaStsRecords(String txt, Predicate<String> mxAllowed, PolicyHostSpec policyHost) {

  /** No MTA-STS records, no restriction on MX records. */
  public static final MtaStsRecords NONE = new MtaStsRecords(null, host -> true, null);
}
