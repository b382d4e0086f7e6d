package dev.connectnative.netty.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ServiceIdentity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right after the {@link SslHandler} and keeps the handlers behind it in the dark until the
 * connection is decided: after a successful handshake it asks the decider (authorization on a
 * server, identity check on a client) and, while the answer is pending, stops reading and holds
 * whatever was already decrypted, and holds every write. When allowed it stores the peer identity
 * in the channel attribute, releases the held writes, fires {@code channelActive} to the handlers
 * behind it (they never saw one before), replays the held reads and removes itself. When refused,
 * or when the decision does not come in time, it drops everything it held and closes the channel:
 * the handlers behind it see no event and no byte.
 *
 * <p>Resumed sessions go through the same decision, since it follows every completed handshake. One
 * instance per channel; all methods run on the channel's event loop.
 */
public final class ConnectionGate extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGate.class);

  private enum State {
    HANDSHAKING,
    DECIDING,
    OPEN,
    CLOSED
  }

  private final Supplier<String> description;
  private final Function<SSLSession, CompletableFuture<ServiceIdentity>> decider;
  private final Duration decisionTimeout;
  private final AttributeKey<ServiceIdentity> peerIdentity;
  private final CompletableFuture<Channel> opened;
  private final List<Object> heldReads = new ArrayList<>();
  private PendingWriteQueue heldWrites;
  private State state = State.HANDSHAKING;
  private boolean autoRead;
  private Throwable failure;
  private ScheduledFuture<?> timeout;

  /**
   * Creates the gate of one channel.
   *
   * @param description names the connection in messages, e.g. {@code connection from /10.0.0.5:1234
   *     to echo}; called only when a failure or refusal is logged
   * @param decider given the handshake's session, completes with the peer identity to let the
   *     connection in, or exceptionally (the message says why) to refuse it; called on the event
   *     loop and must not block
   * @param decisionTimeout the longest wait for the decider
   * @param peerIdentity the attribute the allowed peer identity is stored in
   * @param opened completed with the channel once allowed, exceptionally once refused or closed
   */
  public ConnectionGate(
      Supplier<String> description,
      Function<SSLSession, CompletableFuture<ServiceIdentity>> decider,
      Duration decisionTimeout,
      AttributeKey<ServiceIdentity> peerIdentity,
      CompletableFuture<Channel> opened) {
    this.description = requireNonNull(description, "description");
    this.decider = requireNonNull(decider, "decider");
    this.decisionTimeout = requireNonNull(decisionTimeout, "decisionTimeout");
    this.peerIdentity = requireNonNull(peerIdentity, "peerIdentity");
    this.opened = requireNonNull(opened, "opened");
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    heldWrites = new PendingWriteQueue(ctx);
  }

  /** Not passed on: the handlers behind see {@code channelActive} once the peer is allowed. */
  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // held back until open()
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.OPEN) {
      ctx.fireChannelRead(msg);
    } else if (state == State.CLOSED) {
      ReferenceCountUtil.release(msg);
    } else {
      heldReads.add(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (state == State.OPEN) {
      ctx.fireChannelReadComplete();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (state == State.OPEN) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    if (evt instanceof SslHandshakeCompletionEvent handshake && state == State.HANDSHAKING) {
      if (handshake.isSuccess()) {
        decide(ctx);
      } else {
        refuse(ctx, handshakeFailure(handshake.cause()));
      }
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (state == State.OPEN) {
      ctx.write(msg, promise);
    } else if (state == State.CLOSED) {
      ReferenceCountUtil.release(msg);
      promise.tryFailure(closedFailure());
    } else {
      heldWrites.add(msg, promise);
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (state == State.OPEN) {
      ctx.flush();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state == State.OPEN) {
      ctx.fireChannelInactive();
      return;
    }
    refuse(ctx, closedFailure());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (state == State.OPEN) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    if (failure == null) {
      failure = cause;
    }
    LOG.debug("{}: {}", description.get(), Failures.describe(cause));
    ctx.close();
  }

  private void decide(ChannelHandlerContext ctx) {
    state = State.DECIDING;
    autoRead = ctx.channel().config().isAutoRead();
    ctx.channel().config().setAutoRead(false);
    CompletableFuture<ServiceIdentity> decision;
    try {
      SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
      decision = decider.apply(session);
    } catch (RuntimeException e) {
      decision = CompletableFuture.failedFuture(e);
    }
    if (decision.isDone()) {
      decision.whenComplete((identity, error) -> decided(ctx, identity, error));
      return;
    }
    timeout =
        ctx.executor()
            .schedule(
                () ->
                    refuse(
                        ctx,
                        new IOException(
                            "no decision within " + decisionTimeout.toMillis() + " ms")),
                decisionTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
    decision.whenComplete(
        (identity, error) -> {
          if (ctx.executor().inEventLoop()) {
            decided(ctx, identity, error);
            return;
          }
          try {
            ctx.executor().execute(() -> decided(ctx, identity, error));
          } catch (RejectedExecutionException e) {
            LOG.debug("{}: event loop gone before the decision", description.get());
          }
        });
  }

  private void decided(ChannelHandlerContext ctx, ServiceIdentity identity, Throwable error) {
    if (state != State.DECIDING) {
      return;
    }
    if (error != null) {
      refuse(ctx, Failures.unwrap(error));
    } else {
      open(ctx, identity);
    }
  }

  private void open(ChannelHandlerContext ctx, ServiceIdentity identity) {
    if (timeout != null) {
      timeout.cancel(false);
    }
    state = State.OPEN;
    ctx.channel().attr(peerIdentity).set(identity);
    heldWrites.removeAndWriteAll();
    ctx.fireChannelActive();
    if (!heldReads.isEmpty()) {
      for (Object msg : heldReads) {
        ctx.fireChannelRead(msg);
      }
      heldReads.clear();
      ctx.fireChannelReadComplete();
    }
    ctx.flush();
    ctx.pipeline().remove(this);
    if (autoRead) {
      ctx.channel().config().setAutoRead(true);
    }
    opened.complete(ctx.channel());
  }

  private void refuse(ChannelHandlerContext ctx, Throwable reason) {
    if (state == State.OPEN || state == State.CLOSED) {
      return;
    }
    boolean decided = state == State.DECIDING;
    state = State.CLOSED;
    if (timeout != null) {
      timeout.cancel(false);
    }
    String why = Failures.describe(reason);
    if (decided) {
      LOG.info("refusing {}: {}", description.get(), why);
    } else {
      LOG.debug("{} failed before its TLS handshake completed: {}", description.get(), why);
    }
    for (Object msg : heldReads) {
      ReferenceCountUtil.release(msg);
    }
    heldReads.clear();
    IOException refusal = new IOException(why, reason);
    heldWrites.removeAndFailAll(refusal);
    opened.completeExceptionally(refusal);
    ctx.close();
  }

  private Throwable handshakeFailure(Throwable cause) {
    return failure != null ? failure : cause;
  }

  private IOException closedFailure() {
    return failure != null
        ? new IOException(Failures.describe(failure), failure)
        : new IOException(
            "connection closed before it was "
                + (state == State.DECIDING ? "allowed" : "established"));
  }
}
