/**
 * The two-command demo: {@code echo} serves on a Connect server socket, {@code web} dials it by
 * name, an intention denies and allows it, and the CA rotates under an open connection. Run it with
 * {@code ./demo.sh} from the repository root.
 */
package dev.connectnative.examples.demo;
