package io.securemail.operator.mtasts;

import io.securemail.operator.kube.ContentDigest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What the policy server of a namespace serves, and where it finds it: each domain's policy,
 * certificate and key are three keys of one of {@value #SHARDS} Secrets, chosen by a digest of the
 * domain name. The server's Pod mounts all of them, as one directory, through one projected volume.
 *
 * <p>Why shards: one object holding every domain makes each domain's write rewrite everyone's
 * entries (the cost of a thousand domains grows with the square of their number) and meets the API
 * server's object size limit (1 MiB) at a few hundred certificates; one object per domain would
 * change the Pod's volumes, and so restart the server, with every new domain. With 64 shards a
 * write carries a sixty-fourth of the namespace's entries, a thousand domains make about sixteen
 * entries per Secret, and the limit is met only past ten thousand domains in one namespace. The
 * number is fixed for good: changing it would move domains between Secrets.
 */
public final class PolicySite {

  public static final int SHARDS = 64;
  /** The Secrets' names: this prefix and the shard's number, two hex digits. */
  public static final String PREFIX = PolicyServer.NAME + "-site-";

  private static final List<String> SECRET_NAMES = IntStream.range(0, SHARDS).mapToObj(PolicySite::name).toList();

  private PolicySite() {}

  /** The Secret holding the domain's entries. */
  public static String secretName(String domain) {
    String digest = ContentDigest.of(domain.toLowerCase(Locale.ROOT));
    return name(Integer.parseInt(digest.substring(0, 2), 16) % SHARDS);
  }

  /** Every shard's name, in order: the sources of the Pod's projected volume. */
  public static List<String> secretNames() {
    return SECRET_NAMES;
  }

  private static String name(int shard) {
    return PREFIX + String.format(Locale.ROOT, "%02x", shard);
  }

  /** Whether a key of a shard belongs to the domain (its policy, certificate or key). */
  public static boolean isEntryOf(String key, String domain) {
    return key.equals(PolicyServerConfig.policyFile(domain)) || key.equals(PolicyServerConfig.certificateFile(domain))
        || key.equals(PolicyServerConfig.keyFile(domain));
  }

  /**
   * The domain's keys as Secret data (base64): the policy, and the certificate and key when given.
   *
   * @param policy the policy text; null: no entries at all
   */
  public static Map<String, String> entries(String domain, String policy, PolicyServer.TlsPair tls) {
    Map<String, String> data = new LinkedHashMap<>();
    if (policy == null) {
      return data;
    }
    data.put(PolicyServerConfig.policyFile(domain), encode(policy));
    if (tls != null) {
      data.put(PolicyServerConfig.certificateFile(domain), encode(tls.certificate()));
      data.put(PolicyServerConfig.keyFile(domain), encode(tls.key()));
    }
    return data;
  }

  /**
   * Whether {@code present} (a shard's data) holds a certificate and key for the domain: those of
   * {@code tls} when given, any when not.
   */
  public static boolean holdsCertificate(Map<String, String> present, String domain, PolicyServer.TlsPair tls) {
    String certificate = present.get(PolicyServerConfig.certificateFile(domain));
    String key = present.get(PolicyServerConfig.keyFile(domain));
    if (certificate == null || key == null) {
      return false;
    }
    return tls == null || certificate.equals(encode(tls.certificate())) && key.equals(encode(tls.key()));
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
