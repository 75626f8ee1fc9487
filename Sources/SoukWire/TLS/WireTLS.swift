import NIOCore
import NIOSSL
import NIOTLS

/// TLS settings of the SWP transports: TLS 1.3 only, ALPN "swp/1", certificates by path.
package enum WireTLS {
    /// The ALPN protocol id of SWP/1.
    package static let alpn = "swp/1"

    /// What a server presents and whom it trusts.
    package struct Server: Sendable, Hashable {
        /// PEM certificate chain.
        package var certificateChainPath: String
        /// PEM private key.
        package var privateKeyPath: String
        /// When set, clients must present a certificate signed by this CA (mutual TLS).
        package var clientCertificateAuthorityPath: String?

        /// Creates server TLS settings.
        package init(
            certificateChainPath: String,
            privateKeyPath: String,
            clientCertificateAuthorityPath: String? = nil
        ) {
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
            self.clientCertificateAuthorityPath = clientCertificateAuthorityPath
        }
    }

    /// Whom a client trusts and what it presents.
    package struct Client: Sendable, Hashable {
        /// PEM CA certificate to trust; `nil` trusts the system roots.
        package var certificateAuthorityPath: String?
        /// PEM client certificate chain for mutual TLS.
        package var certificateChainPath: String?
        /// PEM private key of the client certificate.
        package var privateKeyPath: String?
        /// The name to verify and send as SNI; `nil` for IP literals (then only the chain is verified).
        package var serverHostname: String?

        /// Creates client TLS settings.
        package init(
            certificateAuthorityPath: String?,
            certificateChainPath: String? = nil,
            privateKeyPath: String? = nil,
            serverHostname: String? = nil
        ) {
            self.certificateAuthorityPath = certificateAuthorityPath
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
            self.serverHostname = serverHostname
        }
    }

    static func makeServerContext(_ server: Server) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(server.certificateChainPath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: server.privateKeyPath, format: .pem))
        )
        configuration.minimumTLSVersion = .tlsv13
        configuration.applicationProtocols = [Self.alpn]
        if let authority = server.clientCertificateAuthorityPath {
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(authority))
        }
        return try NIOSSLContext(configuration: configuration)
    }

    static func makeClientContext(_ client: Client) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv13
        configuration.applicationProtocols = [Self.alpn]
        if let authority = client.certificateAuthorityPath {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(authority))
        }
        if client.serverHostname == nil {
            configuration.certificateVerification = .noHostnameVerification
        }
        if let chain = client.certificateChainPath, let key = client.privateKeyPath {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(chain).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        return try NIOSSLContext(configuration: configuration)
    }
}

/// Closes a TLS connection whose handshake did not select ALPN "swp/1".
final class ALPNRequirementHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted(let negotiated) = event {
            if negotiated != WireTLS.alpn {
                context.close(promise: nil)
                return
            }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}
