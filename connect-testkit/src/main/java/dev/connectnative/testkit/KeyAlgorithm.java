package dev.connectnative.testkit;

/**
 * Key algorithms the test CA and the dev agent can use for CA keys and test leaves.
 *
 * <p>Consul's built-in CA uses {@link #EC_P256} by default and {@link #RSA_2048} when configured
 * with {@code PrivateKeyType: rsa}. Leaves the dev agent hands out are always {@link #EC_P256},
 * like the real agent's.
 */
public enum KeyAlgorithm {
  /** Elliptic curve NIST P-256 (prime256v1), signed with ECDSA over SHA-256. */
  EC_P256("ec", 256),
  /** Elliptic curve NIST P-384 (secp384r1), signed with ECDSA over SHA-384. */
  EC_P384("ec", 384),
  /** RSA with a 2048-bit modulus, signed with RSASSA-PKCS1-v1_5 over SHA-256. */
  RSA_2048("rsa", 2048);

  private final String consulType;
  private final int bits;

  KeyAlgorithm(String consulType, int bits) {
    this.consulType = consulType;
    this.bits = bits;
  }

  /**
   * Returns the name Consul uses for this key type in {@code PrivateKeyType}.
   *
   * @return {@code "ec"} or {@code "rsa"}
   */
  public String consulType() {
    return consulType;
  }

  /**
   * Returns the key size Consul reports in {@code PrivateKeyBits}.
   *
   * @return the key size in bits
   */
  public int bits() {
    return bits;
  }

  /**
   * Tells whether this is an elliptic curve algorithm.
   *
   * @return {@code true} for the EC algorithms
   */
  public boolean isEc() {
    return "ec".equals(consulType);
  }
}
