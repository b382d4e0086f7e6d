/**
 * Internal: the HTTP client for the local Consul agent, its typed answers and the blocking-query
 * watch every agent-backed watch in the library is built on. No compatibility promise.
 */
package dev.connectnative.internal.agent;
