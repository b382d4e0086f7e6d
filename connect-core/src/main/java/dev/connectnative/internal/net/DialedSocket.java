package dev.connectnative.internal.net;

import static java.util.Objects.requireNonNull;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

/**
 * A dialed TLS 1.3 connection that explains a refusal the server sends after our handshake.
 *
 * <p>In TLS 1.3 the client's handshake is complete once it has sent its Finished; the server checks
 * our certificate and asks its intentions only then, so its refusal (a fatal alert) usually reaches
 * us after {@code dial} returned, at the first read or write. Until the first application byte has
 * been read, such an alert, or a connection reset, is rethrown as an {@link SSLHandshakeException}
 * that names the target, the server and the alert, and it is reported once as a failed dial. A
 * server that refuses a resumed session cannot send an alert any more (the handshake is over) and
 * just closes the connection: that end of stream looks like any other, so the first read returns
 * {@code -1}. Everything else is the dialed socket's own behaviour.
 */
final class DialedSocket extends ForwardingSslSocket {
  private final String target;
  private final String address;
  private final String self;
  private final ConnectEvents events;
  private final Object lock = new Object();
  private volatile boolean confirmed;
  private volatile boolean closing;
  private boolean reported;
  private InputStream in;
  private OutputStream out;

  /**
   * Wraps a dialed socket whose handshake completed.
   *
   * @param ssl the connected socket
   * @param target the name dialed
   * @param address the {@code host:port} dialed
   * @param self this service's name
   * @param events where a late refusal is reported
   */
  DialedSocket(SSLSocket ssl, String target, String address, String self, ConnectEvents events) {
    super(ssl);
    this.target = requireNonNull(target, "target");
    this.address = requireNonNull(address, "address");
    this.self = requireNonNull(self, "self");
    this.events = requireNonNull(events, "events");
  }

  /**
   * Rethrows a failure that arrives before the server's first byte as the server's refusal, when it
   * is one: a TLS alert, or the connection reset.
   */
  private IOException explain(IOException e) {
    if (confirmed || closing || e instanceof SocketTimeoutException) {
      return e;
    }
    String why;
    if (e instanceof SSLException
        && e.getMessage() != null
        && e.getMessage().startsWith("Received fatal alert")) {
      why =
          e.getMessage().endsWith("access_denied")
              ? "refused to authorize \"" + self + "\""
              : "refused this connection after the TLS handshake";
    } else if (e instanceof SocketException) {
      why = "closed the connection right after the TLS handshake";
    } else {
      return e;
    }
    SSLHandshakeException refused =
        new SSLHandshakeException(
            "server \""
                + target
                + "\" at "
                + address
                + " "
                + why
                + " ("
                + e.getMessage()
                + "); its intentions may not allow \""
                + self
                + "\" to connect. In TLS 1.3 the server decides after the client's handshake, so"
                + " this shows at the first read or write");
    refused.initCause(e);
    synchronized (lock) {
      if (!reported) {
        reported = true;
        events.dialFailed(target, address, refused);
      }
    }
    return refused;
  }

  @Override
  public InputStream getInputStream() throws IOException {
    synchronized (lock) {
      if (in == null) {
        in =
            new FilterInputStream(ssl.getInputStream()) {
              @Override
              public int read() throws IOException {
                try {
                  int b = super.read();
                  confirmed |= b >= 0;
                  return b;
                } catch (IOException e) {
                  throw explain(e);
                }
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                try {
                  int n = super.read(b, off, len);
                  confirmed |= n > 0;
                  return n;
                } catch (IOException e) {
                  throw explain(e);
                }
              }
            };
      }
      return in;
    }
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    synchronized (lock) {
      if (out == null) {
        OutputStream delegate = ssl.getOutputStream();
        out =
            new FilterOutputStream(delegate) {
              @Override
              public void write(int b) throws IOException {
                try {
                  delegate.write(b);
                } catch (IOException e) {
                  throw explain(e);
                }
              }

              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                try {
                  delegate.write(b, off, len);
                } catch (IOException e) {
                  throw explain(e);
                }
              }

              @Override
              public void flush() throws IOException {
                try {
                  delegate.flush();
                } catch (IOException e) {
                  throw explain(e);
                }
              }
            };
      }
      return out;
    }
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    throw new SocketException("a dialed socket is already connected");
  }

  @Override
  public void bind(SocketAddress bindpoint) throws IOException {
    throw new SocketException("a dialed socket is already bound");
  }

  @Override
  public void close() throws IOException {
    closing = true;
    ssl.close();
  }

  @Override
  public String toString() {
    return "DialedSocket[" + target + " at " + address + ", " + ssl + "]";
  }
}
