/** A gRPC service and client over Connect with grpc-netty: {@code ./demo.sh grpc}. */
package dev.connectnative.examples.grpc;
