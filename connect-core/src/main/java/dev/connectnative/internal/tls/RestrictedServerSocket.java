package dev.connectnative.internal.tls;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS server socket of a Connect context whose accepted sockets are restricted one by one, each
 * with its own endpoint identification value: nothing on this path authorizes after the handshake,
 * so its connections must never resume a session (see {@link Restrictions}). Every other method
 * acts on the provider's server socket, which this one owns.
 */
final class RestrictedServerSocket extends ForwardingSslServerSocket<SSLServerSocket> {
  RestrictedServerSocket(SSLServerSocket delegate) throws IOException {
    super(Restrictions.apply(delegate));
  }

  @Override
  public Socket accept() throws IOException {
    Socket accepted = delegate().accept();
    try {
      return Restrictions.apply((SSLSocket) accepted);
    } catch (RuntimeException e) {
      accepted.close();
      throw e;
    }
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return delegate().getEnabledCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    delegate().setEnabledCipherSuites(suites);
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate().getSupportedCipherSuites();
  }

  @Override
  public String[] getSupportedProtocols() {
    return delegate().getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return delegate().getEnabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    delegate().setEnabledProtocols(protocols);
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    delegate().setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return delegate().getNeedClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    delegate().setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return delegate().getWantClientAuth();
  }

  @Override
  public void setUseClientMode(boolean mode) {
    delegate().setUseClientMode(mode);
  }

  @Override
  public boolean getUseClientMode() {
    return delegate().getUseClientMode();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    delegate().setEnableSessionCreation(flag);
  }

  @Override
  public boolean getEnableSessionCreation() {
    return delegate().getEnableSessionCreation();
  }

  @Override
  public SSLParameters getSSLParameters() {
    return delegate().getSSLParameters();
  }

  @Override
  public void setSSLParameters(SSLParameters params) {
    delegate().setSSLParameters(params);
  }

  @Override
  public String toString() {
    return "Connect" + delegate();
  }
}
