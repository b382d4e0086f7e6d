/**
 * Jetty 12 and Jakarta Servlet support for Consul Connect services: a connector that terminates
 * mutual TLS with the service's Connect identity and authorizes every connection, a filter that
 * hands each request its caller's identity and enforces L7 intentions.
 */
package dev.connectnative.servlet;
