/** Internals of the servlet adapter: intention rules, JSON parsing and Jetty glue. */
package dev.connectnative.servlet.internal;
