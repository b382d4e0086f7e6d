package dev.connectnative.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A blocking {@link Conn} over a Netty client channel, so Netty paths run the same workload code.
 * Install {@link #handler()} last in the pipeline. Writes wait while the channel is not writable
 * (the channel's write buffer high water mark); reads and waits give up after {@link #TIMEOUT_S}.
 */
final class NettyConn implements Conn {
  static final long TIMEOUT_S = 30;
  private static final Object EOF = new Object();

  private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Object writability = new Object();
  private final InputStream in = new In();
  private final OutputStream out = new Out();
  private volatile Channel channel;

  /** The handler feeding this connection; one per channel. */
  ChannelInboundHandlerAdapter handler() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        ctx.fireChannelActive();
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
          byte[] bytes = new byte[buf.readableBytes()];
          buf.readBytes(bytes);
          inbox.add(bytes);
        } finally {
          buf.release();
        }
      }

      @Override
      public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        signalWritability();
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        inbox.add(EOF);
        signalWritability();
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failure.compareAndSet(null, cause);
        inbox.add(cause);
        ctx.close();
      }
    };
  }

  private void signalWritability() {
    synchronized (writability) {
      writability.notifyAll();
    }
  }

  @Override
  public InputStream in() {
    return in;
  }

  @Override
  public OutputStream out() {
    return out;
  }

  @Override
  public void close() throws IOException {
    Channel ch = channel;
    if (ch != null && !ch.close().awaitUninterruptibly(TIMEOUT_S, TimeUnit.SECONDS)) {
      throw new IOException("channel did not close within " + TIMEOUT_S + " s");
    }
  }

  private IOException failed(String what) {
    Throwable cause = failure.get();
    return cause == null ? new IOException(what) : new IOException(what, cause);
  }

  private final class In extends InputStream {
    private byte[] current = new byte[0];
    private int position;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (position == current.length) {
        Object next;
        try {
          next = inbox.poll(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading");
        }
        if (next == null) {
          throw new IOException("no data within " + TIMEOUT_S + " s");
        } else if (next == EOF) {
          inbox.add(EOF);
          return -1;
        } else if (next instanceof Throwable cause) {
          throw new IOException("connection failed", cause);
        }
        current = (byte[]) next;
        position = 0;
      }
      int n = Math.min(len, current.length - position);
      System.arraycopy(current, position, b, off, n);
      position += n;
      return n;
    }
  }

  private final class Out extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Channel ch = channel;
      if (ch == null || !ch.isActive()) {
        throw failed("connection is closed");
      }
      ChannelFuture written =
          ch.writeAndFlush(Unpooled.wrappedBuffer(Arrays.copyOfRange(b, off, off + len)));
      written.addListener(
          f -> {
            if (!f.isSuccess()) {
              failure.compareAndSet(null, f.cause());
            }
          });
      awaitWritable(ch);
    }

    private void awaitWritable(Channel ch) throws IOException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
      synchronized (writability) {
        while (!ch.isWritable() && ch.isActive()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new IOException("channel not writable within " + TIMEOUT_S + " s");
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(writability, left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
          }
        }
      }
      if (!ch.isActive() || failure.get() != null) {
        throw failed("connection failed while writing");
      }
    }
  }
}
