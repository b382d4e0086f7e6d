package dev.connectnative.examples.demo;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;

/**
 * Prints the demo as numbered chapters of short sentences, and turns a failed check into a {@link
 * StepFailed} naming the chapter. Not thread-safe: the demo tells its story from one thread.
 */
final class Story {
  private final PrintStream out;
  private final int chapters;
  private int chapter;
  private String title = "";

  Story(PrintStream out, int chapters) {
    this.out = requireNonNull(out, "out");
    this.chapters = chapters;
  }

  void opening(String text) {
    out.println(text);
  }

  void chapter(String title) {
    chapter++;
    this.title = title;
    out.println();
    out.println("[" + chapter + "/" + chapters + "] " + title);
  }

  void say(String text) {
    out.println("      " + text);
  }

  void check(boolean ok, String what) {
    require(ok, what);
    out.println("      ok: " + what);
  }

  void require(boolean ok, String what) {
    if (!ok) {
      throw new StepFailed(chapter, title, what);
    }
  }

  void ending(String text) {
    out.println();
    out.println(text);
  }

  /** A step of the demo did not behave as it must; the message names the step and the check. */
  static final class StepFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StepFailed(int chapter, String title, String what) {
      super("step " + chapter + " (" + title + "): expected " + what);
    }
  }
}
