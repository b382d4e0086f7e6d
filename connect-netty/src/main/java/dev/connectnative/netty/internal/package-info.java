/** Internals of the Netty adapter; no compatibility promise. */
package dev.connectnative.netty.internal;
