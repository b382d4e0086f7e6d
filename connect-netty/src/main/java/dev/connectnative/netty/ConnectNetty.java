package dev.connectnative.netty;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ConnectService;
import dev.connectnative.ServiceIdentity;
import io.netty.util.AttributeKey;

/**
 * Entry point of the Netty adapter: Connect servers and clients for a {@link ConnectService}.
 *
 * <pre>{@code
 * ConnectNettyServer tls = ConnectNetty.server(echo)
 *     .authorizer(authorizer)
 *     .childHandler(new EchoHandler())
 *     .build();
 * new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
 *     .childHandler(tls)
 *     .bind(8443);
 *
 * ConnectNettyClient toEcho = ConnectNetty.client(web, "echo").resolver(resolver).build();
 * Channel channel = toEcho.connect(new Bootstrap().group(workers)
 *     .channel(NioSocketChannel.class).handler(new MyClientHandler())).get();
 * ServiceIdentity server = channel.attr(ConnectNetty.PEER_IDENTITY).get();
 * }</pre>
 *
 * <p>Handlers behind the adapter see a connection only once it is decided: {@code channelActive}
 * arrives after the TLS handshake and, on a server, after the client was authorized; at that moment
 * {@link #PEER_IDENTITY} holds the peer's verified identity.
 */
public final class ConnectNetty {
  /**
   * The verified identity of the peer of a Connect channel: the client on a server channel, the
   * server on a client channel. Set before the user's handlers see {@code channelActive}.
   */
  public static final AttributeKey<ServiceIdentity> PEER_IDENTITY =
      AttributeKey.valueOf(ConnectNetty.class, "PEER_IDENTITY");

  private ConnectNetty() {}

  /**
   * Starts building the channel initializer of a Connect server for {@code service}.
   *
   * @param service the service the server acts as
   * @return a builder
   * @throws NullPointerException if {@code service} is null
   */
  public static ConnectNettyServer.Builder server(ConnectService service) {
    return new ConnectNettyServer.Builder(requireNonNull(service, "service"));
  }

  /**
   * Starts building a client that connects {@code service} to the service named {@code target}.
   *
   * @param service the service the client acts as (its leaf is presented to the server)
   * @param target the service to reach, as registered with Consul
   * @return a builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code target} is empty
   */
  public static ConnectNettyClient.Builder client(ConnectService service, String target) {
    requireNonNull(service, "service");
    requireNonNull(target, "target");
    if (target.isEmpty()) {
      throw new IllegalArgumentException("target service name is empty");
    }
    return new ConnectNettyClient.Builder(service, target);
  }
}
