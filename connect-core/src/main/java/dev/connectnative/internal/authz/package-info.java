/**
 * Server-side authorization: the agent-backed and caching {@link dev.connectnative.Authorizer}s,
 * the in-handshake hook, the registry of live accepted connections and the intentions watch that
 * invalidates decisions and revokes connections.
 */
package dev.connectnative.internal.authz;
