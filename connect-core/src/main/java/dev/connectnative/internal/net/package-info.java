/**
 * Sockets: the dialer that connects to a service and verifies its identity inside the handshake,
 * and the server-socket wrapper that authorizes every accepted connection, resumed sessions
 * included, before the application reads or writes a byte.
 */
package dev.connectnative.internal.net;
