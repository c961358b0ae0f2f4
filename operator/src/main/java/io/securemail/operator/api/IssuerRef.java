package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

/** A reference to a cert-manager Issuer or ClusterIssuer. */
public class IssuerRef {

  /** The kinds of cert-manager issuer a Certificate can name. */
  public enum Kind {
    @JsonProperty("Issuer") ISSUER,
    @JsonProperty("ClusterIssuer") CLUSTER_ISSUER
  }

  @Required
  @JsonPropertyDescription("Name of the issuer.")
  private String name;

  @Default("Issuer")
  @JsonPropertyDescription("Issuer (in the resource's namespace) or ClusterIssuer.")
  private Kind kind = Kind.ISSUER;

  @Default("cert-manager.io")
  @JsonPropertyDescription("API group of the issuer; cert-manager.io unless an external issuer is used.")
  private String group = "cert-manager.io";

  public IssuerRef() {}

  public IssuerRef(String name, Kind kind) {
    this.name = name;
    this.kind = kind;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public Kind getKind() { return kind; }
  public void setKind(Kind kind) { this.kind = kind; }
  public String getGroup() { return group; }
  public void setGroup(String group) { this.group = group; }
}
