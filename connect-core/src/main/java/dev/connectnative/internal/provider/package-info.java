/**
 * Choosing and loading the TLS provider of a service: the JDK, or Conscrypt when it is present and
 * loads, without registering it JVM-wide.
 */
package dev.connectnative.internal.provider;
