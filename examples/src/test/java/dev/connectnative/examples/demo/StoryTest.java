package dev.connectnative.examples.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class StoryTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final Story story = new Story(new PrintStream(bytes, true, UTF_8), 3);

  @Test
  void chaptersAreNumberedAndPassedChecksPrinted() {
    story.chapter("First");
    story.say("something happens");
    story.check(true, "it to happen");

    assertThat(bytes.toString(UTF_8).lines())
        .containsExactly("", "[1/3] First", "      something happens", "      ok: it to happen");
  }

  @Test
  void aFailedCheckNamesTheChapterAndWhatWasExpected() {
    story.chapter("First");
    story.chapter("Second");

    assertThatThrownBy(() -> story.check(false, "a reply"))
        .isInstanceOf(Story.StepFailed.class)
        .hasMessage("step 2 (Second): expected a reply");
    assertThatThrownBy(() -> story.require(false, "a quiet wait"))
        .hasMessage("step 2 (Second): expected a quiet wait");
    assertThat(bytes.toString(UTF_8)).doesNotContain("ok:");
  }
}
