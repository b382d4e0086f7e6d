/**
 * Consul Connect for Netty: servers that accept only authorized mutual-TLS clients and clients that
 * reach a service by name and check its identity inside the handshake.
 *
 * <p>Start with {@link dev.connectnative.netty.ConnectNetty}. TLS is provided by the JDK or by
 * OpenSSL (BoringSSL through {@code netty-tcnative-boringssl-static}), see {@link
 * dev.connectnative.netty.NettyTlsProvider}.
 */
package dev.connectnative.netty;
