package dev.connectnative.examples;

import java.io.PrintStream;

/**
 * One runnable example: it runs against a {@link Mesh} and tells what happens on {@code out}.
 *
 * <p>{@link #main(Example)} gives every example the same {@code main}: the mesh from the
 * environment, exit status 0 when the example saw what it expected, 1 otherwise.
 */
@FunctionalInterface
public interface Example {
  /**
   * Runs the example.
   *
   * @param mesh the agent to run against
   * @param out where to tell what happens
   * @throws Exception if something did not go as the example expects; the message says what
   */
  void run(Mesh mesh, PrintStream out) throws Exception;

  /**
   * Runs {@code example} against {@link Mesh#start()} and exits the JVM: 0 on success, 1 on failure
   * (with the reason printed).
   *
   * @param example the example
   */
  static void main(Example example) {
    int status;
    try (Mesh mesh = Mesh.start()) {
      System.out.println("Using " + mesh.description() + ".");
      example.run(mesh, System.out);
      status = 0;
    } catch (Exception e) {
      System.out.println("EXAMPLE FAILED: " + e.getMessage());
      e.printStackTrace(System.out);
      status = 1;
    }
    System.exit(status);
  }

  /**
   * Fails the example unless {@code ok}.
   *
   * @param ok the condition
   * @param expected what was expected, for the failure message
   * @throws IllegalStateException if not {@code ok}
   */
  static void expect(boolean ok, String expected) {
    if (!ok) {
      throw new IllegalStateException("expected " + expected);
    }
  }
}
