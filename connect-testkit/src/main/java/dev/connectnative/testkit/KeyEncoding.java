package dev.connectnative.testkit;

/** PEM encodings for a private key handed out by {@link TestCa}. */
public enum KeyEncoding {
  /** SEC 1 {@code EC PRIVATE KEY}, what Consul hands out; EC keys only. */
  SEC1,
  /** PKCS#1 {@code RSA PRIVATE KEY}; RSA keys only. */
  PKCS1,
  /** PKCS#8 {@code PRIVATE KEY}; any key. */
  PKCS8
}
