package io.securemail.operator.compliance.dns;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What a DNSSEC verdict on one resolver response rests on, as a SHA-256 digest: the question, the
 * response code and every record of the answer, authority and additional sections (RRSIGs
 * included, with their original TTL, validity period, key tag, signer and signature bytes), each
 * in canonical form (RFC 4034 section 6.2) without its TTL, in a fixed order. The TTLs a resolver
 * counts down and the order it returns records in do not change a validator's verdict; any other
 * difference, one bit of one record or one signature, is another fingerprint. The EDNS OPT record is
 * left out: it carries transport options, not data a validator checks.
 *
 * <p>{@link #lifetime} is how long a verdict on such a response may be used, per RFC 4035 section
 * 5.3.3.
 */
public record ResponseFingerprint(String sha256) {

  private static final int[] SECTIONS = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};

  /** The fingerprint of a response as the resolver returned it (before validation). */
  public static ResponseFingerprint of(Message response) {
    MessageDigest digest = newDigest();
    Record question = response.getQuestion();
    if (question != null) {
      digest.update(question.getName().toWireCanonical());
      digest.update(ByteBuffer.allocate(4).putShort((short) question.getType())
          .putShort((short) question.getDClass()).array());
    }
    digest.update(ByteBuffer.allocate(4).putInt(response.getRcode()).array());
    List<byte[]> records = new ArrayList<>();
    for (int section : SECTIONS) {
      for (Record record : response.getSection(section)) {
        if (record.getType() != Type.OPT) {
          records.add(canonicalWithoutTtl(section, record));
        }
      }
    }
    records.sort(Arrays::compareUnsigned);
    for (byte[] record : records) {
      digest.update(ByteBuffer.allocate(4).putInt(record.length).array());
      digest.update(record);
    }
    return new ResponseFingerprint(HexFormat.of().formatHex(digest.digest()));
  }

  /**
   * How long a verdict on {@code response} stands from {@code now}: no longer than any of its
   * records' TTLs as received, nor, for each RRSIG, its Original TTL field or the time left until its
   * Signature Expiration. RFC 4035 section 5.3.3 bounds a validated RRset's TTL by exactly these,
   * because a signature that verified over identical RRset data stays valid until then and not
   * after. Zero or negative: not to be reused at all.
   */
  public static Duration lifetime(Message response, Instant now) {
    Duration shortest = null;
    for (int section : SECTIONS) {
      for (Record record : response.getSection(section)) {
        if (record.getType() == Type.OPT) {
          continue;
        }
        shortest = min(shortest, Duration.ofSeconds(record.getTTL()));
        if (record instanceof RRSIGRecord rrsig) {
          shortest = min(shortest, Duration.ofSeconds(rrsig.getOrigTTL()));
          shortest = min(shortest, Duration.between(now, rrsig.getExpire()));
        }
      }
    }
    // A response without records (a bare NXDOMAIN or NODATA without proof) has nothing that vouches
    // for a verdict over time: not reused.
    return shortest == null ? Duration.ZERO : shortest;
  }

  private static Duration min(Duration a, Duration b) {
    return a == null || b.compareTo(a) < 0 ? b : a;
  }

  private static byte[] canonicalWithoutTtl(int section, Record record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(section);
    out.writeBytes(record.getName().toWireCanonical());
    out.writeBytes(ByteBuffer.allocate(4).putShort((short) record.getType()).putShort((short) record.getDClass())
        .array());
    out.writeBytes(record.rdataToWireCanonical());
    return out.toByteArray();
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
