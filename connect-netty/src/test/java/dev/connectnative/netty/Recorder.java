package dev.connectnative.netty;

import dev.connectnative.ServiceIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A shareable handler that records what reaches the user's pipeline: every event, the peer identity
 * seen at {@code channelActive}, the text received; optionally echoes.
 */
@ChannelHandler.Sharable
final class Recorder extends ChannelInboundHandlerAdapter {
  final List<String> events = new CopyOnWriteArrayList<>();
  final List<ServiceIdentity> peers = new CopyOnWriteArrayList<>();
  final List<EventLoop> loops = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final boolean echo;

  Recorder(boolean echo) {
    this.echo = echo;
  }

  static Recorder echo() {
    return new Recorder(true);
  }

  static Recorder sink() {
    return new Recorder(false);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    events.add("active");
    peers.add(ctx.channel().attr(ConnectNetty.PEER_IDENTITY).get());
    loops.add(ctx.channel().eventLoop());
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf bytes = (ByteBuf) msg;
    events.add("read");
    received.add(bytes.toString(StandardCharsets.UTF_8));
    if (echo) {
      ctx.writeAndFlush(msg);
    } else {
      bytes.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    events.add("inactive");
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    events.add("exception: " + cause);
    ctx.close();
  }

  /** Waits for {@code length} characters of text and returns them. */
  String text(int length) throws InterruptedException {
    StringBuilder text = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (text.length() < length) {
      String chunk = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (chunk == null) {
        throw new AssertionError("received only \"" + text + "\" of " + length + " characters");
      }
      text.append(chunk);
    }
    return text.toString();
  }
}
