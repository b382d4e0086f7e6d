package dev.connectnative.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestPathsTest {
  @Test
  void removesDotSegmentsAndKeepsEncoding() {
    assertThat(RequestPaths.normalize("/public/../private")).isEqualTo("/private");
    assertThat(RequestPaths.normalize("/public/./a")).isEqualTo("/public/a");
    assertThat(RequestPaths.normalize("/../../etc")).isEqualTo("/etc");
    assertThat(RequestPaths.normalize("/a/b/..")).isEqualTo("/a/");
    assertThat(RequestPaths.normalize("/a/.")).isEqualTo("/a/");
    assertThat(RequestPaths.normalize("/a%20b/c/")).isEqualTo("/a%20b/c/");
    assertThat(RequestPaths.normalize("/")).isEqualTo("/");
    assertThat(RequestPaths.normalize("")).isEqualTo("/");
  }

  @Test
  void dotSegmentsWithPathParametersStillCount() {
    assertThat(RequestPaths.normalize("/public/..;x=1/private")).isEqualTo("/private");
    assertThat(RequestPaths.normalize("/public;x=1/a")).isEqualTo("/public;x=1/a");
  }
}
