/**
 * JSSE glue: key and trust managers that read one {@link dev.connectnative.IdentitySnapshot} per
 * handshake, the per-handshake expected-peer registry, the server-side authorization hook, and the
 * one {@link javax.net.ssl.SSLContext} per service.
 */
package dev.connectnative.internal.tls;
