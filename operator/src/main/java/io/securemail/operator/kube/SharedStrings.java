package io.securemail.operator.kube;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * Text fields read with equal values shared: each object read from the API server otherwise holds
 * its own copy of every string, and most of them repeat from one domain to the next (a condition's
 * type, reason and message, a compliance check's id and verdict, the namespace, a field manager's
 * name and time, the API version). In a heap dump at a thousand domains, two thirds of the bytes in
 * strings were such copies (docs/performance.md).
 *
 * <p>Each value is replaced by the JVM's canonical copy ({@link String#intern}), which the garbage
 * collector frees once nothing refers to it. Long values (certificates, zone snippets) are mostly
 * unique and are left as read.
 */
final class SharedStrings extends StringDeserializer {

  /** Values longer than this are left as read. */
  static final int LONGEST = 1024;

  private SharedStrings() {}

  static SimpleModule module() {
    return new SimpleModule("securemail-shared-strings").addDeserializer(String.class, new SharedStrings());
  }

  @Override
  public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    String value = super.deserialize(parser, context);
    return value != null && value.length() <= LONGEST ? value.intern() : value;
  }
}
