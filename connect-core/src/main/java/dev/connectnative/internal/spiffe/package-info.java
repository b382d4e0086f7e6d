/**
 * Parsing, validation and encoding of Consul SPIFFE URIs behind {@link dev.connectnative.SpiffeId}.
 */
package dev.connectnative.internal.spiffe;
