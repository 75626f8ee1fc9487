import Foundation
import GRPCCore
import NIOCore
import NIOPosix
import SoukAPI
import SoukConformance
import SoukTLS
import SoukWire
import TestSupport
import Testing

/// TLS on the SWP port: mutual TLS, untrusted client certificates, plaintext clients.
@Suite("SWP TLS", .timeLimit(.minutes(1)))
struct TLSTests {
    /// Runs a TLS server requiring client certificates from the development CA; `body` gets its port and CA.
    func withMutualTLSServer(_ body: (Int, DevelopmentCertificateAuthority, TLSFiles) async throws -> Void) async throws
    {
        try await withTemporaryDirectory { folder in
            let authority = DevelopmentCertificateAuthority(folder: "\(folder)/tls")
            let files = try authority.ensureServerCertificate()
            let transport = SWPServerTransport(
                config: .init(
                    host: "127.0.0.1",
                    port: 0,
                    tls: WireTLS.Server(
                        certificateChainPath: files.certificateChain,
                        privateKeyPath: files.privateKey,
                        clientCertificateAuthorityPath: files.certificateAuthority
                    )
                )
            )
            let server = GRPCServer(transport: transport, services: [TestService()])
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.serve() }
                defer {
                    server.beginGracefulShutdown()
                    group.cancelAll()
                }
                try await body(try await transport.listeningPort, authority, files)
            }
        }
    }

    func call(port: Int, tls: WireTLS.Client?) async throws {
        var config = SWPClientTransport.Config(host: "127.0.0.1", port: port, tls: tls)
        config.backoffInitial = .milliseconds(10)
        try await withGRPCClient(transport: SWPClientTransport(config: config)) { client in
            _ = try await Souk_Testing_V1_TestService.Client(wrapping: client).emptyCall(Souk_Testing_V1_Empty())
        }
    }

    @Test("with mutual TLS, a client certificate from the trusted CA is accepted")
    func mutualTLS() async throws {
        try await self.withMutualTLSServer { port, authority, files in
            let folder = (files.certificateChain as NSString).deletingLastPathComponent
            let (certificate, key) = try authority.issueClientCertificate(commonName: "souk-worker")
            try certificate.write(toFile: "\(folder)/client.pem", atomically: true, encoding: .utf8)
            try key.write(toFile: "\(folder)/client-key.pem", atomically: true, encoding: .utf8)
            try await self.call(
                port: port,
                tls: WireTLS.Client(
                    certificateAuthorityPath: files.certificateAuthority,
                    certificateChainPath: "\(folder)/client.pem",
                    privateKeyPath: "\(folder)/client-key.pem"
                )
            )
        }
    }

    @Test("with mutual TLS, no certificate or one from another CA is refused with UNAVAILABLE")
    func untrustedClientCertificate() async throws {
        try await self.withMutualTLSServer { port, _, files in
            let error = await #expect(throws: RPCError.self) {
                try await self.call(
                    port: port,
                    tls: WireTLS.Client(certificateAuthorityPath: files.certificateAuthority)
                )
            }
            #expect(error?.code == .unavailable)

            try await withTemporaryDirectory { other in
                let stranger = DevelopmentCertificateAuthority(folder: "\(other)/tls")
                let (certificate, key) = try stranger.issueClientCertificate(commonName: "intruder")
                try certificate.write(toFile: "\(other)/client.pem", atomically: true, encoding: .utf8)
                try key.write(toFile: "\(other)/client-key.pem", atomically: true, encoding: .utf8)
                let refused = await #expect(throws: RPCError.self) {
                    try await self.call(
                        port: port,
                        tls: WireTLS.Client(
                            certificateAuthorityPath: files.certificateAuthority,
                            certificateChainPath: "\(other)/client.pem",
                            privateKeyPath: "\(other)/client-key.pem"
                        )
                    )
                }
                #expect(refused?.code == .unavailable)
            }
            // A plaintext client on the TLS port gets no further than the handshake.
            let plaintext = await #expect(throws: RPCError.self) { try await self.call(port: port, tls: nil) }
            #expect(plaintext?.code == .unavailable)
        }
    }
}
