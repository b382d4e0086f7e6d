/** Internal: identity sources backed by the local Consul agent. No compatibility promise. */
package dev.connectnative.internal.identity;
