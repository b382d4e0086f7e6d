package dev.connectnative.servlet;

import dev.connectnative.ServiceIdentity;
import dev.connectnative.StaticIdentitySource;
import dev.connectnative.TrustDomainPolicy;
import dev.connectnative.internal.tls.ConnectKeyManager;
import dev.connectnative.internal.tls.ConnectSslContexts;
import dev.connectnative.internal.tls.ConnectTrustManager;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.TestCa;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** Connect identities minted by one test CA, with the TLS objects a service builds from them. */
final class Mesh {
  final TestCa ca;

  Mesh() {
    this(TestCa.create());
  }

  /** Identities minted by {@code ca}, e.g. a dev agent's active CA. */
  Mesh(TestCa ca) {
    this.ca = ca;
  }

  /** One service: its live identity source and TLS managers. */
  final class Peer {
    final StaticIdentitySource source;
    final ConnectKeyManager keyManager;
    final ConnectTrustManager trustManager;

    Peer(String service) {
      IssuedLeaf leaf = ca.leaf(service);
      source =
          StaticIdentitySource.fromPem(ca.rootPem(), leaf.certificatePem(), leaf.privateKeyPem());
      keyManager = new ConnectKeyManager(source);
      trustManager =
          new ConnectTrustManager(source, TrustDomainPolicy.OWN_TRUST_DOMAIN, Clock.systemUTC());
    }

    ServiceIdentity id() {
      return source.current().orElseThrow().leaf().id();
    }

    /** The context a server uses. */
    SSLContext serverContext() {
      return ConnectSslContexts.create(keyManager, trustManager);
    }

    /**
     * A plain JDK context over the same managers, which (unlike the Connect one) resumes TLS
     * sessions.
     */
    SSLContext plainServerContext() {
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(
            new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, new SecureRandom());
        return context;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** A client context that expects every server it reaches to be {@code server}. */
    SSLContext clientContext(ServiceIdentity server) {
      return clientContext(clientTrustManager(server));
    }

    /** A client trust manager that expects every server it meets to be {@code server}. */
    ExpectingTrustManager clientTrustManager(ServiceIdentity server) {
      return new ExpectingTrustManager(trustManager, server);
    }

    /** A client context that checks servers with {@code trust}. */
    SSLContext clientContext(ExpectingTrustManager trust) {
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {keyManager}, new TrustManager[] {trust}, new SecureRandom());
        return context;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Replaces this service's leaf with a fresh one from the same CA. */
    IssuedLeaf renew() {
      IssuedLeaf leaf = ca.leaf(id().service());
      source.update(ca.rootPem(), leaf.certificatePem(), leaf.privateKeyPem());
      return leaf;
    }
  }

  Peer peer(String service) {
    return new Peer(service);
  }
}
