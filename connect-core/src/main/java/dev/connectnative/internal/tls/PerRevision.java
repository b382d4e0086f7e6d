package dev.connectnative.internal.tls;

import java.util.function.Function;

/**
 * Holds one value per identity revision (which changes with every root or leaf rotation), made on
 * first use and replaced once a newer revision is asked for; a caller still holding an older
 * revision gets the newest value. Used to give each revision its own TLS context, so that sessions,
 * tickets and key material of a revision never outlive it. A lookup of the current revision is one
 * volatile read. Thread-safe.
 *
 * @param <T> the value, e.g. a TLS context
 */
public final class PerRevision<T> {
  private record Current<T>(long revision, T value) {}

  private volatile Current<T> current;

  /**
   * Returns the value for {@code revision}, made by {@code create} from {@code input} if the value
   * held belongs to an older revision or none is held yet.
   *
   * @param revision the identity revision in effect for the caller
   * @param input what {@code create} makes the value from (e.g. the identity snapshot)
   * @param create makes the value; called at most once per revision
   * @return the value of {@code revision}, or of a newer one
   */
  public <S> T get(long revision, S input, Function<S, T> create) {
    Current<T> now = current;
    if (now != null && now.revision() >= revision) {
      return now.value();
    }
    return renew(revision, input, create);
  }

  private synchronized <S> T renew(long revision, S input, Function<S, T> create) {
    Current<T> now = current;
    if (now == null || now.revision() < revision) {
      now = new Current<>(revision, create.apply(input));
      current = now;
    }
    return now.value();
  }
}
