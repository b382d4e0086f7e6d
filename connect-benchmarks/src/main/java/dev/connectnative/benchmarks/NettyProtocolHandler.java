package dev.connectnative.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of {@link Protocol} as a Netty handler: sink bytes are skipped without being
 * copied, echo payloads are gathered and written back. One instance per channel.
 */
final class NettyProtocolHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(NettyProtocolHandler.class);

  private final byte[] header = new byte[Protocol.HEADER];
  private int headerFill;
  private byte mode;
  private long remaining = -1;
  private long length;
  private ByteBuf echo;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws IOException {
    ByteBuf in = (ByteBuf) msg;
    try {
      while (in.isReadable() || remaining == 0) {
        if (remaining < 0) {
          int n = Math.min(Protocol.HEADER - headerFill, in.readableBytes());
          in.readBytes(header, headerFill, n);
          headerFill += n;
          if (headerFill == Protocol.HEADER) {
            startRequest(ctx);
          }
        } else if (remaining > 0) {
          int n = (int) Math.min(remaining, in.readableBytes());
          if (echo != null) {
            echo.writeBytes(in, n);
          } else {
            in.skipBytes(n);
          }
          remaining -= n;
        } else {
          answer(ctx);
        }
      }
    } finally {
      in.release();
    }
  }

  private void startRequest(ChannelHandlerContext ctx) throws IOException {
    headerFill = 0;
    mode = header[0];
    length = 0;
    for (int i = 1; i < Protocol.HEADER; i++) {
      length = (length << 8) | (header[i] & 0xff);
    }
    if (mode == Protocol.ECHO && length >= 0 && length <= Protocol.MAX_ECHO) {
      echo = ctx.alloc().buffer((int) length);
    } else if (mode != Protocol.SINK || length < 0) {
      throw new IOException("bad request header: mode " + mode + ", length " + length);
    }
    remaining = length;
  }

  private void answer(ChannelHandlerContext ctx) {
    if (mode == Protocol.ECHO) {
      ctx.write(echo);
      echo = null;
    } else {
      ctx.write(ctx.alloc().buffer(Long.BYTES).writeLong(length));
    }
    remaining = -1;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (echo != null) {
      echo.release();
      echo = null;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("server connection failed", cause);
    ctx.close();
  }
}
