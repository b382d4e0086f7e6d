/**
 * HTTP over Connect: OkHttp and JDK {@code HttpClient} plumbing that maps Consul host names ({@code
 * <service>.service[.<dc>].consul}, {@code <query>.query[.<dc>].consul}) to discovered instances
 * and checks each server's identity inside the TLS handshake. Internal: no compatibility promise.
 */
package dev.connectnative.internal.http;
