package io.securemail.operator.compliance.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** DNSSEC trust anchors: DS or DNSKEY records in zone-file syntax. */
public final class TrustAnchors {

  private static final String ROOT_RESOURCE = "/compliance/root-anchors.zone";

  private final String zoneText;

  private TrustAnchors(String zoneText) {
    this.zoneText = zoneText;
  }

  /** The root zone's key-signing keys (KSK-2017 and KSK-2024), as published by IANA. */
  public static TrustAnchors root() {
    try (InputStream in = TrustAnchors.class.getResourceAsStream(ROOT_RESOURCE)) {
      return new TrustAnchors(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException("the root trust anchors are part of the application", e);
    }
  }

  /** Anchors for a private zone; fails unless the text holds at least one DS or DNSKEY record. */
  public static TrustAnchors parse(String zoneText) {
    int anchors = 0;
    try (Master master = new Master(new ByteArrayInputStream(zoneText.getBytes(StandardCharsets.UTF_8)), Name.root)) {
      Record record;
      while ((record = master.nextRecord()) != null) {
        if (record.getType() == Type.DS || record.getType() == Type.DNSKEY) {
          anchors++;
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a DS/DNSKEY zone file: " + e.getMessage(), e);
    }
    if (anchors == 0) {
      throw new IllegalArgumentException("no DS or DNSKEY record found");
    }
    return new TrustAnchors(zoneText);
  }

  public static TrustAnchors read(Path file) throws IOException {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IOException("trust anchor file " + file + ": " + e.getMessage(), e);
    }
  }

  InputStream stream() {
    return new ByteArrayInputStream(zoneText.getBytes(StandardCharsets.UTF_8));
  }
}
