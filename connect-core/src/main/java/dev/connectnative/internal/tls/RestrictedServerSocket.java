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
final class RestrictedServerSocket extends ForwardingSslServerSocket {
  private final SSLServerSocket ssl;

  RestrictedServerSocket(SSLServerSocket delegate) throws IOException {
    super(Restrictions.apply(delegate));
    this.ssl = delegate;
  }

  @Override
  public Socket accept() throws IOException {
    Socket accepted = ssl.accept();
    try {
      return Restrictions.apply((SSLSocket) accepted);
    } catch (RuntimeException e) {
      accepted.close();
      throw e;
    }
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return ssl.getEnabledCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    ssl.setEnabledCipherSuites(suites);
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return ssl.getSupportedCipherSuites();
  }

  @Override
  public String[] getSupportedProtocols() {
    return ssl.getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return ssl.getEnabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    ssl.setEnabledProtocols(protocols);
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    ssl.setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return ssl.getNeedClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    ssl.setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return ssl.getWantClientAuth();
  }

  @Override
  public void setUseClientMode(boolean mode) {
    ssl.setUseClientMode(mode);
  }

  @Override
  public boolean getUseClientMode() {
    return ssl.getUseClientMode();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    ssl.setEnableSessionCreation(flag);
  }

  @Override
  public boolean getEnableSessionCreation() {
    return ssl.getEnableSessionCreation();
  }

  @Override
  public SSLParameters getSSLParameters() {
    return ssl.getSSLParameters();
  }

  @Override
  public void setSSLParameters(SSLParameters params) {
    ssl.setSSLParameters(params);
  }

  @Override
  public String toString() {
    return "Connect" + ssl;
  }
}
