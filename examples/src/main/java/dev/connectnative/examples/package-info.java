/**
 * Runnable examples of connectnative, and what they share: {@link dev.connectnative.examples.Mesh}
 * (the embedded dev agent, or a real agent named by {@code CONSUL_HTTP_ADDR}) and {@link
 * dev.connectnative.examples.ConsulAdmin} (the operator's side: intentions and CA rotation).
 */
package dev.connectnative.examples;
