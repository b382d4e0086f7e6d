package dev.connectnative.internal.pem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The recorded certificates and keys of a real Consul 1.10.4 agent. */
public final class Golden {
  /** Where the recordings live; the module runs its tests from {@code connect-core/}. */
  public static final Path PEM =
      Path.of(System.getProperty("consul.golden", "../../shared/consul-golden")).resolve("pem");

  /** The trust domain of the recorded dev cluster. */
  public static final String TRUST_DOMAIN = "3779268c-d290-379c-fa43-991e61fd2ae8.consul";

  private Golden() {}

  public static String read(String name) {
    try {
      return Files.readString(PEM.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "golden file missing: " + PEM.resolve(name).toAbsolutePath(), e);
    }
  }
}
