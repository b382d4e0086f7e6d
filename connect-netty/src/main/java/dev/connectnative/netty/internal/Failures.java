package dev.connectnative.netty.internal;

import java.security.cert.CertificateException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Readable reasons out of the exception chains TLS stacks produce. */
public final class Failures {
  private Failures() {}

  /** Strips {@link CompletionException} and {@link ExecutionException} wrappers. */
  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * The most telling message: a trust manager's refusal when there is one (TLS stacks wrap it a few
   * levels deep), else the outermost message.
   */
  public static String describe(Throwable error) {
    Throwable outer = unwrap(error);
    String message = outer.getMessage();
    Throwable t = outer;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t instanceof CertificateException && t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return message == null ? outer.toString() : message;
  }
}
