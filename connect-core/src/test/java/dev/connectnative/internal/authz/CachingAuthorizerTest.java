package dev.connectnative.internal.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import dev.connectnative.ConnectException;
import dev.connectnative.ServiceIdentity;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachingAuthorizerTest {
  private static final String TD = "3779268c-d290-379c-fa43-991e61fd2ae8.consul";
  private static final AuthorizationRequest WEB =
      new AuthorizationRequest("echo", ServiceIdentity.of(TD, "dc1", "web"), "08");

  private final AtomicLong nanos = new AtomicLong(1);
  private final Scripted delegate = new Scripted();

  /** Answers with the futures queued by the test, counting calls. */
  private static final class Scripted implements Authorizer {
    final Deque<CompletableFuture<AuthorizationDecision>> answers = new ArrayDeque<>();
    final AtomicInteger calls = new AtomicInteger();

    Scripted then(CompletableFuture<AuthorizationDecision> answer) {
      answers.add(answer);
      return this;
    }

    Scripted thenAllow() {
      return then(CompletableFuture.completedFuture(AuthorizationDecision.allow("Matched ALLOW")));
    }

    Scripted thenDeny() {
      return then(CompletableFuture.completedFuture(AuthorizationDecision.deny("Matched DENY")));
    }

    Scripted thenFail() {
      return then(
          CompletableFuture.failedFuture(
              new ConnectException("agent answered 500 rpc error: No cluster leader")));
    }

    @Override
    public CompletableFuture<AuthorizationDecision> authorize(AuthorizationRequest request) {
      calls.incrementAndGet();
      CompletableFuture<AuthorizationDecision> next = answers.poll();
      if (next == null) {
        throw new AssertionError("unexpected authorization call for " + request);
      }
      return next;
    }
  }

  private CachingAuthorizer.Builder builder() {
    return CachingAuthorizer.builder(delegate)
        .ticker(nanos::get)
        .executor(Runnable::run)
        .allowTtl(Duration.ofSeconds(10))
        .denyTtl(Duration.ofSeconds(2));
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void concurrentMissesShareOneDelegateCall() throws Exception {
    CompletableFuture<AuthorizationDecision> pending = new CompletableFuture<>();
    delegate.then(pending);
    CachingAuthorizer cache = builder().build();
    CompletableFuture<AuthorizationDecision> a = cache.authorize(WEB);
    CompletableFuture<AuthorizationDecision> b = cache.authorize(WEB);
    assertThat(a).isNotDone();
    assertThat(delegate.calls.get()).isEqualTo(1);
    pending.complete(AuthorizationDecision.allow("Matched ALLOW"));
    assertThat(a.get().allowed()).isTrue();
    assertThat(b.get().allowed()).isTrue();
  }

  @Test
  void positiveDecisionsLiveLongerThanNegativeOnes() throws Exception {
    delegate.thenAllow().thenAllow();
    CachingAuthorizer cache = builder().build();
    assertThat(cache.authorize(WEB).get().allowed()).isTrue();
    advance(Duration.ofSeconds(9));
    assertThat(cache.authorize(WEB).get().allowed()).isTrue();
    assertThat(delegate.calls.get()).isEqualTo(1);
    advance(Duration.ofSeconds(2));
    cache.authorize(WEB).get();
    assertThat(delegate.calls.get()).isEqualTo(2);

    AuthorizationRequest db =
        new AuthorizationRequest("echo", ServiceIdentity.of(TD, "dc1", "db"), "09");
    delegate.thenDeny().thenDeny();
    assertThat(cache.authorize(db).get().allowed()).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(cache.authorize(db).get().reason()).isEqualTo("Matched DENY");
    assertThat(delegate.calls.get()).isEqualTo(3);
    advance(Duration.ofMillis(1_500));
    cache.authorize(db).get();
    assertThat(delegate.calls.get()).isEqualTo(4);
  }

  @Test
  void theKeyIncludesTheCertificateSerial() throws Exception {
    delegate.thenAllow().thenDeny();
    CachingAuthorizer cache = builder().build();
    assertThat(cache.authorize(WEB).get().allowed()).isTrue();
    AuthorizationRequest renewed = new AuthorizationRequest("echo", WEB.client(), "0c");
    assertThat(cache.authorize(renewed).get().allowed()).isFalse();
    assertThat(delegate.calls.get()).isEqualTo(2);
  }

  @Test
  void failuresAreNotCachedAndFailClosed() throws Exception {
    delegate.thenFail().thenAllow();
    CachingAuthorizer cache = builder().build();
    assertThatThrownBy(() -> cache.authorize(WEB).get())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ConnectException.class)
        .hasMessage(
            "cannot authorize spiffe://"
                + TD
                + "/ns/default/dc/dc1/svc/web to connect to \"echo\" (refusing): agent answered 500"
                + " rpc error: No cluster leader");
    assertThat(cache.authorize(WEB).get().allowed()).isTrue();
    assertThat(delegate.calls.get()).isEqualTo(2);
  }

  @Test
  void aThrowingDelegateAlsoFailsClosed() {
    Authorizer throwing =
        request -> {
          throw new IllegalStateException("broken authorizer");
        };
    CachingAuthorizer cache = CachingAuthorizer.builder(throwing).executor(Runnable::run).build();
    assertThatThrownBy(() -> cache.authorize(WEB).get())
        .cause()
        .hasMessageContaining("(refusing): broken authorizer");
  }

  @Test
  void graceReusesARecentPositiveDecisionOnlyWithinTheGrace() throws Exception {
    delegate.thenAllow().thenFail().thenFail();
    CachingAuthorizer cache = builder().grace(Duration.ofSeconds(30)).build();
    assertThat(cache.authorize(WEB).get().allowed()).isTrue();
    advance(Duration.ofSeconds(15));
    AuthorizationDecision reused = cache.authorize(WEB).get();
    assertThat(reused.allowed()).isTrue();
    assertThat(reused.reason())
        .isEqualTo("agent unavailable, reusing a recent decision: Matched ALLOW");
    advance(Duration.ofSeconds(30));
    assertThatThrownBy(() -> cache.authorize(WEB).get()).hasMessageContaining("(refusing)");
  }

  @Test
  void withoutGraceAnOutageRefusesAtOnceAfterExpiry() throws Exception {
    delegate.thenAllow().thenFail();
    CachingAuthorizer cache = builder().build();
    assertThat(cache.authorize(WEB).get().allowed()).isTrue();
    advance(Duration.ofSeconds(11));
    assertThatThrownBy(() -> cache.authorize(WEB).get()).hasMessageContaining("(refusing)");
  }

  @Test
  void invalidateAllForgetsDecisionsAndGrace() throws Exception {
    delegate.thenAllow().thenFail();
    CachingAuthorizer cache = builder().grace(Duration.ofMinutes(1)).build();
    cache.authorize(WEB).get();
    cache.invalidateAll();
    assertThat(cache.size()).isZero();
    assertThatThrownBy(() -> cache.authorize(WEB).get()).hasMessageContaining("(refusing)");
  }

  @Test
  void settingsCanBeMadeOnce() {
    CachingAuthorizer.Builder b = builder();
    assertThatThrownBy(() -> b.allowTtl(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> CachingAuthorizer.builder(delegate).denyTtl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CachingAuthorizer.builder(delegate).grace(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
