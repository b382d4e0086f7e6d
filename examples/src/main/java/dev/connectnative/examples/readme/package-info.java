/** The README's code snippets, compiled so that a reader can copy any of them. */
package dev.connectnative.examples.readme;
