package dev.connectnative.internal.net;

import java.security.Principal;
import java.security.cert.Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * The session of a refused connection: invalid, with no peer and the null cipher suite, like the
 * JDK's session of a failed handshake. It hides the real session of a client that completed its
 * handshake but was not authorized, so nothing can read that client's certificates as if it had
 * been accepted.
 */
final class RefusedSession implements SSLSession {
  static final RefusedSession INSTANCE = new RefusedSession();

  private static final byte[] NO_ID = new byte[0];
  private static final String NULL_SUITE = "SSL_NULL_WITH_NULL_NULL";

  private RefusedSession() {}

  @Override
  public byte[] getId() {
    return NO_ID.clone();
  }

  @Override
  public SSLSessionContext getSessionContext() {
    return null;
  }

  @Override
  public long getCreationTime() {
    return 0;
  }

  @Override
  public long getLastAccessedTime() {
    return 0;
  }

  @Override
  public void invalidate() {}

  @Override
  public boolean isValid() {
    return false;
  }

  @Override
  public void putValue(String name, Object value) {
    throw new IllegalStateException("the connection was refused");
  }

  @Override
  public Object getValue(String name) {
    return null;
  }

  @Override
  public void removeValue(String name) {}

  @Override
  public String[] getValueNames() {
    return new String[0];
  }

  @Override
  public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
    throw new SSLPeerUnverifiedException("the connection was refused");
  }

  @Override
  public Certificate[] getLocalCertificates() {
    return null;
  }

  @Override
  public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
    throw new SSLPeerUnverifiedException("the connection was refused");
  }

  @Override
  public Principal getLocalPrincipal() {
    return null;
  }

  @Override
  public String getCipherSuite() {
    return NULL_SUITE;
  }

  @Override
  public String getProtocol() {
    return "NONE";
  }

  @Override
  public String getPeerHost() {
    return null;
  }

  @Override
  public int getPeerPort() {
    return -1;
  }

  @Override
  public int getPacketBufferSize() {
    return 16_709;
  }

  @Override
  public int getApplicationBufferSize() {
    return 16_384;
  }
}
