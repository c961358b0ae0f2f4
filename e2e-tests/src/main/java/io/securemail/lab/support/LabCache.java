package io.securemail.lab.support;

import java.nio.file.Path;

/**
 * Where the lab keeps what outlives a run: the Kubernetes binaries lab/provision.sh built, the
 * Debian base image and the container engine's images and build layers.
 * {@code $SECUREMAIL_CACHE}, by default ~/.cache/securemail (the same as provision.sh's).
 */
public final class LabCache {

  private LabCache() {}

  public static Path dir() {
    String cache = System.getenv("SECUREMAIL_CACHE");
    return cache != null && !cache.isBlank() ? Path.of(cache)
        : Path.of(System.getProperty("user.home"), ".cache", "securemail");
  }
}
