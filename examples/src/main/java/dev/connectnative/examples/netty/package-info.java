/** A Netty echo server and client in the mesh: {@code ./demo.sh netty}. */
package dev.connectnative.examples.netty;
