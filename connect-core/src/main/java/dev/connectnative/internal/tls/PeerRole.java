package dev.connectnative.internal.tls;

/** Which side of a handshake a certificate chain comes from, and what its leaf must allow. */
enum PeerRole {
  SERVER("server", "1.3.6.1.5.5.7.3.1", "TLS Web Server Authentication"),
  CLIENT("client", "1.3.6.1.5.5.7.3.2", "TLS Web Client Authentication");

  final String role;
  final String usage;
  final String usageName;

  PeerRole(String role, String usage, String usageName) {
    this.role = role;
    this.usage = usage;
    this.usageName = usageName;
  }
}
