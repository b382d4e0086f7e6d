/** The implementation behind {@link dev.connectnative.ConnectService}. */
package dev.connectnative.internal.service;
