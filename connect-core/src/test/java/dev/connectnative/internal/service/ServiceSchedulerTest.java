package dev.connectnative.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServiceSchedulerTest {
  @Test
  void cancelledTimersLeaveTheQueueAtOnce() throws InterruptedException {
    ScheduledExecutorService scheduler = DefaultConnectService.newScheduler("timers");
    try {
      List<ScheduledFuture<?>> handshakeDeadlines = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        handshakeDeadlines.add(scheduler.schedule(() -> {}, 10, TimeUnit.MINUTES));
      }
      ScheduledThreadPoolExecutor pool = (ScheduledThreadPoolExecutor) scheduler;
      assertThat(pool.getQueue()).hasSize(100);

      handshakeDeadlines.forEach(deadline -> deadline.cancel(false));

      assertThat(pool.getQueue()).isEmpty();
    } finally {
      scheduler.shutdownNow();
      assertThat(scheduler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void runsOnOneDaemonThreadNamedForTheService() throws Exception {
    ScheduledExecutorService scheduler = DefaultConnectService.newScheduler("web");
    try {
      Thread thread = scheduler.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
      assertThat(thread.getName()).isEqualTo("connect-web");
      assertThat(thread.isDaemon()).isTrue();
    } finally {
      scheduler.shutdownNow();
    }
  }
}
