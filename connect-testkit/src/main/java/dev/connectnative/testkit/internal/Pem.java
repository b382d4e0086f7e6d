package dev.connectnative.testkit.internal;

import dev.connectnative.testkit.KeyEncoding;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** PEM text in the layout Go writes: 64-column base64, trailing newline. */
public final class Pem {
  private Pem() {}

  /** Encodes DER bytes as one PEM block. */
  public static String encode(String type, byte[] der) {
    String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
  }

  /** Encodes a certificate. */
  public static String certificate(X509Certificate cert) {
    try {
      return encode("CERTIFICATE", cert.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode certificate", e);
    }
  }

  /** Encodes a private key in the requested form. */
  public static String privateKey(KeyPair pair, KeyEncoding encoding) {
    PrivateKey key = pair.getPrivate();
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      switch (encoding) {
        case PKCS8:
          return encode("PRIVATE KEY", key.getEncoded());
        case SEC1:
          if (!(key instanceof ECPrivateKey ec)) {
            throw new IllegalArgumentException(
                "SEC1 encoding needs an EC key, not " + key.getAlgorithm());
          }
          return encode("EC PRIVATE KEY", sec1(ec, pair, info));
        case PKCS1:
          if (!(key instanceof RSAPrivateCrtKey)) {
            throw new IllegalArgumentException(
                "PKCS1 encoding needs an RSA key, not " + key.getAlgorithm());
          }
          return encode("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded());
        default:
          throw new IllegalArgumentException("unsupported key encoding " + encoding);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a PEM private key (SEC1, PKCS#1 or PKCS#8) into a key pair. */
  public static KeyPair parseKeyPair(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair);
      }
      if (object instanceof PrivateKeyInfo info) {
        PrivateKey key = converter.getPrivateKey(info);
        return new KeyPair(publicKeyOf(key, info), key);
      }
      throw new IllegalArgumentException("not a PEM private key");
    } catch (IOException e) {
      throw new IllegalArgumentException("not a PEM private key: " + e.getMessage(), e);
    }
  }

  private static java.security.PublicKey publicKeyOf(PrivateKey key, PrivateKeyInfo info)
      throws IOException {
    try {
      if (key instanceof RSAPrivateCrtKey rsa) {
        return KeyFactory.getInstance("RSA")
            .generatePublic(
                new java.security.spec.RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
      }
      org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
          org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
      if (sec1.getPublicKey() == null) {
        throw new IllegalArgumentException("EC private key without its public key");
      }
      SubjectPublicKeyInfo spki =
          new SubjectPublicKeyInfo(info.getPrivateKeyAlgorithm(), sec1.getPublicKey().getBytes());
      return KeyFactory.getInstance("EC")
          .generatePublic(new java.security.spec.X509EncodedKeySpec(spki.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot derive the public key", e);
    }
  }

  private static byte[] sec1(ECPrivateKey ec, KeyPair pair, PrivateKeyInfo info)
      throws IOException {
    ASN1Primitive curve = info.getPrivateKeyAlgorithm().getParameters().toASN1Primitive();
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
    int orderBits = ec.getParams().getOrder().bitLength();
    return new org.bouncycastle.asn1.sec.ECPrivateKey(
            orderBits, ec.getS(), new DERBitString(spki.getPublicKeyData().getBytes()), curve)
        .getEncoded();
  }
}
