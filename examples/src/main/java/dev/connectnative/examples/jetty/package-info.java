/**
 * A Jetty 12 service in the mesh that puts the caller's identity in its response, called with the
 * JDK HTTP client by name: {@code ./demo.sh jetty}.
 */
package dev.connectnative.examples.jetty;
