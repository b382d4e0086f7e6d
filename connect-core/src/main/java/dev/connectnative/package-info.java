/**
 * Native Consul Connect for the JVM.
 *
 * <p>Start with {@link dev.connectnative.Connect}: it builds a {@code ConnectService} that follows
 * the local Consul agent for this service's identity and trust roots, and hands out standard JSSE
 * objects, dialers and server sockets that terminate mutual TLS with that identity.
 */
package dev.connectnative;
