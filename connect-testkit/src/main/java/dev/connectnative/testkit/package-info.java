/**
 * Test support for Consul Connect: an in-process dev agent ({@link
 * dev.connectnative.testkit.DevAgent}) that answers the Connect HTTP API like Consul 1.10's, a
 * certificate authority shaped like Consul's built-in one ({@link
 * dev.connectnative.testkit.TestCa}), and a JUnit 5 extension.
 */
package dev.connectnative.testkit;
