package dev.connectnative.servlet.internal;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTP/2 and ALPN pieces, kept in their own class so that the optional Jetty HTTP/2 jars are
 * only loaded when HTTP/2 is asked for.
 */
public final class Http2Support {
  private Http2Support() {}

  /** Tells whether the HTTP/2 server and JDK ALPN jars are on the class path. */
  public static boolean available() {
    ClassLoader loader = Http2Support.class.getClassLoader();
    try {
      Class.forName("org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory", false, loader);
      Class.forName("org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory", false, loader);
      Class.forName("org.eclipse.jetty.alpn.java.server.JDK9ServerALPNProcessor", false, loader);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * Returns the ALPN factory followed by the HTTP/2 factory, with HTTP/1.1 as the protocol for
   * clients that offer no ALPN.
   */
  public static ConnectionFactory[] factories(
      HttpConfiguration config, String http11Protocol, SslContextFactory.Server ssl) {
    ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(config);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
    alpn.setDefaultProtocol(http11Protocol);
    return new ConnectionFactory[] {alpn, h2};
  }
}
