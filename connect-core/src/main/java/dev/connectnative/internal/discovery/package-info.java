/**
 * Discovery: the shared health watches, the prepared-query resolver and the resolver that routes a
 * dial to the right one.
 */
package dev.connectnative.internal.discovery;
