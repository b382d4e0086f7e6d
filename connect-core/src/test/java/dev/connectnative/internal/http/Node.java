package dev.connectnative.internal.http;

import dev.connectnative.ServiceIdentity;
import dev.connectnative.StaticIdentitySource;
import dev.connectnative.TrustDomainPolicy;
import dev.connectnative.internal.tls.ConnectKeyManager;
import dev.connectnative.internal.tls.ConnectSslContexts;
import dev.connectnative.internal.tls.ConnectTrustManager;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.TestCa;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * A server-side service for tests: a leaf from a run-time CA, its managers and context, and a count
 * of full handshakes (the trust manager's client hook runs on full handshakes only).
 */
final class Node {
  final String name;
  final StaticIdentitySource source;
  final SSLContext context;

  /**
   * A plain JDK context over the same managers, which (unlike the service's restricted context)
   * resumes TLS sessions: a server that resumes whenever a client offers a session.
   */
  final SSLContext resumable;

  final AtomicInteger fullHandshakes = new AtomicInteger();

  Node(TestCa ca, String name) {
    this(ca, ca.leaf(name), name);
  }

  Node(TestCa ca, IssuedLeaf leaf, String name) {
    this.name = name;
    this.source =
        StaticIdentitySource.fromPem(ca.rootPem(), leaf.certificatePem(), leaf.privateKeyPem());
    ConnectTrustManager trust =
        new ConnectTrustManager(source, TrustDomainPolicy.OWN_TRUST_DOMAIN, Clock.systemUTC());
    trust.clientAuthorizer((client, clientLeaf, handle) -> fullHandshakes.incrementAndGet());
    ConnectKeyManager keys = new ConnectKeyManager(source);
    this.context = ConnectSslContexts.create(keys, trust);
    try {
      this.resumable = SSLContext.getInstance("TLS");
      resumable.init(new KeyManager[] {keys}, new TrustManager[] {trust}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  ServiceIdentity identity() {
    return source.current().orElseThrow().leaf().id();
  }
}
