package dev.connectnative.internal.agent;

/** Thrown by {@link JsonFields} when an answer does not have the expected shape. */
final class MalformedAnswerException extends Exception {
  private static final long serialVersionUID = 1L;

  MalformedAnswerException(String message) {
    super(message);
  }
}
