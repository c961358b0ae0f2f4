package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

/** A key of a Secret in the resource's namespace. */
public class SecretKeyRef {

  @Required
  @JsonPropertyDescription("Name of the Secret.")
  private String name;

  @Default("secret")
  @JsonPropertyDescription("Key within the Secret's data.")
  private String key = "secret";

  public SecretKeyRef() {}

  public SecretKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getKey() { return key; }
  public void setKey(String key) { this.key = key; }
}
