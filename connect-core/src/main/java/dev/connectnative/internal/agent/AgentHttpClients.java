package dev.connectnative.internal.agent;

import dev.connectnative.AgentConfig;
import java.net.InetAddress;
import java.net.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/** Builds the OkHttp client for an {@link AgentConfig}'s transport. */
final class AgentHttpClients {
  /** Default timeout for connecting and for non-blocking reads. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private AgentHttpClients() {}

  static OkHttpClient create(AgentConfig config) {
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "connect-agent-http-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    Dispatcher dispatcher = new Dispatcher(executor);
    // Every watch holds one blocking request to the same agent; OkHttp's default of 5 per host
    // would queue the sixth watch behind the others' 5-minute waits.
    dispatcher.setMaxRequests(1024);
    dispatcher.setMaxRequestsPerHost(1024);
    OkHttpClient.Builder b =
        new OkHttpClient.Builder()
            .dispatcher(dispatcher)
            .proxy(Proxy.NO_PROXY)
            .connectTimeout(DEFAULT_TIMEOUT)
            .readTimeout(DEFAULT_TIMEOUT)
            .writeTimeout(DEFAULT_TIMEOUT)
            .retryOnConnectionFailure(true)
            .followRedirects(false);
    switch (config.transport()) {
      case UNIX:
        b.socketFactory(new UnixSocketFactory(config.unixSocket().orElseThrow()))
            .dns(host -> List.of(InetAddress.getLoopbackAddress()))
            // OkHttp probes pooled connections with SO_TIMEOUT reads, which channel-backed
            // sockets cannot honour; a local socket connect is cheap, so don't pool.
            .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS));
        break;
      case HTTPS:
        AgentTls.configure(config, b);
        break;
      case HTTP:
      default:
        break;
    }
    return b.build();
  }
}
