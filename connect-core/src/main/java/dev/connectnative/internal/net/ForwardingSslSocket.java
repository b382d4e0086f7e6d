package dev.connectnative.internal.net;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * An {@link SSLSocket} that forwards to a connected TLS socket, for the wrappers that add Connect
 * behaviour to some methods (accepted sockets that authorize before their first byte, dialed
 * sockets that explain a late refusal). It has no channel: the wrapped socket's would bypass the
 * wrapper.
 */
abstract class ForwardingSslSocket extends SSLSocket {
  /** The wrapped TLS socket. */
  final SSLSocket ssl;

  ForwardingSslSocket(SSLSocket ssl) {
    this.ssl = requireNonNull(ssl, "ssl");
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return ssl.getSupportedCipherSuites();
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
  public SSLSession getHandshakeSession() {
    return ssl.getHandshakeSession();
  }

  @Override
  public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
    ssl.addHandshakeCompletedListener(listener);
  }

  @Override
  public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
    ssl.removeHandshakeCompletedListener(listener);
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
  public String getApplicationProtocol() {
    return ssl.getApplicationProtocol();
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    return ssl.getHandshakeApplicationProtocol();
  }

  @Override
  public void setHandshakeApplicationProtocolSelector(
      BiFunction<SSLSocket, List<String>, String> selector) {
    ssl.setHandshakeApplicationProtocolSelector(selector);
  }

  @Override
  public BiFunction<SSLSocket, List<String>, String> getHandshakeApplicationProtocolSelector() {
    return ssl.getHandshakeApplicationProtocolSelector();
  }

  @Override
  public InetAddress getInetAddress() {
    return ssl.getInetAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    return ssl.getLocalAddress();
  }

  @Override
  public int getPort() {
    return ssl.getPort();
  }

  @Override
  public int getLocalPort() {
    return ssl.getLocalPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return ssl.getRemoteSocketAddress();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return ssl.getLocalSocketAddress();
  }

  @Override
  public boolean isConnected() {
    return ssl.isConnected();
  }

  @Override
  public boolean isBound() {
    return ssl.isBound();
  }

  @Override
  public boolean isInputShutdown() {
    return ssl.isInputShutdown();
  }

  @Override
  public boolean isOutputShutdown() {
    return ssl.isOutputShutdown();
  }

  @Override
  public void shutdownInput() throws IOException {
    ssl.shutdownInput();
  }

  @Override
  public void shutdownOutput() throws IOException {
    ssl.shutdownOutput();
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    ssl.setSoTimeout(timeout);
  }

  @Override
  public int getSoTimeout() throws SocketException {
    return ssl.getSoTimeout();
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    ssl.setTcpNoDelay(on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return ssl.getTcpNoDelay();
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    ssl.setKeepAlive(on);
  }

  @Override
  public boolean getKeepAlive() throws SocketException {
    return ssl.getKeepAlive();
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws SocketException {
    ssl.setSoLinger(on, linger);
  }

  @Override
  public int getSoLinger() throws SocketException {
    return ssl.getSoLinger();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    ssl.setReceiveBufferSize(size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return ssl.getReceiveBufferSize();
  }

  @Override
  public void setSendBufferSize(int size) throws SocketException {
    ssl.setSendBufferSize(size);
  }

  @Override
  public int getSendBufferSize() throws SocketException {
    return ssl.getSendBufferSize();
  }

  @Override
  public void setTrafficClass(int tc) throws SocketException {
    ssl.setTrafficClass(tc);
  }

  @Override
  public int getTrafficClass() throws SocketException {
    return ssl.getTrafficClass();
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    ssl.setReuseAddress(on);
  }

  @Override
  public boolean getReuseAddress() throws SocketException {
    return ssl.getReuseAddress();
  }

  @Override
  public void setOOBInline(boolean on) throws SocketException {
    ssl.setOOBInline(on);
  }

  @Override
  public boolean getOOBInline() throws SocketException {
    return ssl.getOOBInline();
  }

  @Override
  public void sendUrgentData(int data) throws IOException {
    ssl.sendUrgentData(data);
  }

  @Override
  public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
    ssl.setPerformancePreferences(connectionTime, latency, bandwidth);
  }

  @Override
  public <T> T getOption(SocketOption<T> name) throws IOException {
    return ssl.getOption(name);
  }

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    return ssl.supportedOptions();
  }

  @Override
  public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
    ssl.setOption(name, value);
    return this;
  }

  @Override
  public SocketChannel getChannel() {
    return null;
  }

  @Override
  public void startHandshake() throws IOException {
    ssl.startHandshake();
  }

  @Override
  public SSLSession getSession() {
    return ssl.getSession();
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
  public void setSSLParameters(SSLParameters params) {
    ssl.setSSLParameters(params);
  }

  @Override
  public SSLParameters getSSLParameters() {
    return ssl.getSSLParameters();
  }

  @Override
  public boolean isClosed() {
    return ssl.isClosed();
  }
}
