/** Implementation of the dev agent and test CA; no compatibility promise. */
package dev.connectnative.testkit.internal;
