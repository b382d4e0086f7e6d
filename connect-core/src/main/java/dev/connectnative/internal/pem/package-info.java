/**
 * PEM decoding of certificates and private keys (SEC1, PKCS#1, PKCS#8) into JDK key objects, and
 * certificate helpers. BouncyCastle is used only as a parser here, never registered as a JCA
 * provider.
 */
package dev.connectnative.internal.pem;
