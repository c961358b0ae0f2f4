package io.securemail.operator.validation;

import java.util.Optional;
import java.util.Set;

/** Reads the key names of a Secret in the resource's namespace; empty when it does not exist. */
@FunctionalInterface
public interface SecretLookup {
  Optional<Set<String>> keysOf(String secretName);
}
