package dev.connectnative.internal.provider;

import static java.util.Objects.requireNonNull;

import dev.connectnative.TlsProvider;
import java.security.Provider;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a {@link TlsProvider} choice to the JCA provider a service's {@code SSLContext} is
 * created with. Conscrypt is loaded through {@link ConscryptLoader}, without reflection, and never
 * registered with {@link java.security.Security}; each call creates a fresh provider object. One
 * INFO line per service names the provider in use. Thread-safe.
 */
public final class TlsProviders {
  private static final Logger LOG = LoggerFactory.getLogger(TlsProviders.class);

  private TlsProviders() {}

  /**
   * The outcome of a choice.
   *
   * @param inUse {@link TlsProvider#JDK} or {@link TlsProvider#CONSCRYPT}, never {@code AUTO}
   * @param provider the JCA provider to create the context with; empty for the JDK default
   * @param description what the log line says, e.g. {@code Conscrypt 2.5.2 (BoringSSL)}
   */
  public record Selection(TlsProvider inUse, Optional<Provider> provider, String description) {
    /** Validates the fields. */
    public Selection {
      requireNonNull(inUse, "inUse");
      requireNonNull(provider, "provider");
      requireNonNull(description, "description");
      if (inUse == TlsProvider.AUTO) {
        throw new IllegalArgumentException("a selection names the provider in use, not AUTO");
      }
      if (provider.isPresent() != (inUse == TlsProvider.CONSCRYPT)) {
        throw new IllegalArgumentException(inUse + " does not match provider " + provider);
      }
    }
  }

  /**
   * Resolves {@code requested} for {@code service} and logs the provider in use.
   *
   * @param requested the builder's choice
   * @param service the service name, for the log line and messages
   * @return the selection
   * @throws IllegalStateException if {@code requested} is {@code CONSCRYPT} and it cannot be
   *     loaded; the message says why
   */
  public static Selection select(TlsProvider requested, String service) {
    requireNonNull(requested, "requested");
    requireNonNull(service, "service");
    Selection selection =
        switch (requested) {
          case JDK -> jdk("requested");
          case CONSCRYPT ->
              conscrypt()
                  .orElseThrow(
                      failure ->
                          new IllegalStateException(
                              "service \""
                                  + service
                                  + "\": TLS provider CONSCRYPT requested but "
                                  + failure.getMessage(),
                              failure));
          case AUTO -> conscrypt().orElseGet(failure -> jdk(failure.getMessage()));
        };
    LOG.info("service \"{}\" uses TLS provider {}", service, selection.description());
    return selection;
  }

  private static Selection jdk(String why) {
    return new Selection(
        TlsProvider.JDK,
        Optional.empty(),
        "JDK (SunJSSE, Java " + Runtime.version().feature() + "; " + why + ")");
  }

  private static Attempt conscrypt() {
    try {
      Provider provider = ConscryptLoader.newProvider();
      return new Attempt(
          new Selection(
              TlsProvider.CONSCRYPT,
              Optional.of(provider),
              "Conscrypt " + ConscryptLoader.version() + " (BoringSSL)"),
          null);
    } catch (LinkageError e) {
      return failed(
          "Conscrypt is not usable here ("
              + e
              + "); it needs org.conscrypt:conscrypt-openjdk-uber on the class path and its native"
              + " library for this platform",
          e);
    } catch (IllegalStateException e) {
      return failed(e.getMessage(), e);
    } catch (RuntimeException e) {
      return failed("Conscrypt failed to start: " + e, e);
    }
  }

  private static Attempt failed(String why, Throwable cause) {
    return new Attempt(null, new IllegalStateException(why, cause));
  }

  /** A Conscrypt selection, or why there is none. */
  private record Attempt(Selection selection, IllegalStateException failure) {
    Selection orElseThrow(Function<IllegalStateException, IllegalStateException> toError) {
      if (selection == null) {
        throw toError.apply(failure);
      }
      return selection;
    }

    Selection orElseGet(Function<IllegalStateException, Selection> fallback) {
      return selection != null ? selection : fallback.apply(failure);
    }
  }
}
