/** Optional self-registration of a Connect-native service instance with the local agent. */
package dev.connectnative.internal.registration;
