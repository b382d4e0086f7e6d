package dev.connectnative.internal.net;

import dev.connectnative.StaticIdentitySource;
import dev.connectnative.TrustDomainPolicy;
import dev.connectnative.internal.tls.ConnectKeyManager;
import dev.connectnative.internal.tls.ConnectSslContexts;
import dev.connectnative.internal.tls.ConnectTrustManager;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.TestCa;
import java.security.GeneralSecurityException;
import java.time.Clock;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** One service's TLS material for tests: a leaf from a run-time CA, its managers and context. */
final class MeshService {
  final String name;
  final StaticIdentitySource source;
  final ConnectTrustManager trust;
  final SSLContext context;

  /**
   * A plain JDK context over the same managers, which (unlike the service's restricted context)
   * resumes TLS sessions: what a user's own context or a framework's engine may do.
   */
  final SSLContext resumable;

  private MeshService(String name, String rootPem, IssuedLeaf leaf) {
    this.name = name;
    this.source =
        StaticIdentitySource.fromPem(rootPem, leaf.certificatePem(), leaf.privateKeyPem());
    this.trust =
        new ConnectTrustManager(source, TrustDomainPolicy.OWN_TRUST_DOMAIN, Clock.systemUTC());
    ConnectKeyManager keys = new ConnectKeyManager(source);
    this.context = ConnectSslContexts.create(keys, trust);
    try {
      this.resumable = SSLContext.getInstance("TLS");
      resumable.init(new KeyManager[] {keys}, new TrustManager[] {trust}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static MeshService of(TestCa ca, String name) {
    return new MeshService(name, ca.rootPem(), ca.leaf(name));
  }

  static MeshService of(TestCa ca, IssuedLeaf leaf, String name) {
    return new MeshService(name, ca.rootPem(), leaf);
  }
}
