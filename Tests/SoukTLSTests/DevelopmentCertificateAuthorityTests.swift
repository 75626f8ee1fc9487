import Crypto
import Foundation
import SoukTLS
import SwiftASN1
import TestSupport
import Testing
import X509

@Suite("DevelopmentCertificateAuthority")
struct DevelopmentCertificateAuthorityTests {
    @Test("creates a CA and a server certificate it signed, for localhost and the loopback addresses")
    func createsChain() async throws {
        try await withTemporaryDirectory { folder in
            let files = try DevelopmentCertificateAuthority(folder: "\(folder)/tls").ensureServerCertificate()
            let authority = try Self.certificate(files.certificateAuthority)
            let server = try Self.certificate(files.certificateChain)

            #expect(server.issuer == authority.subject)
            #expect(authority.publicKey.isValidSignature(server.signature, for: server))
            #expect(try authority.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
            let names = try #require(try server.extensions.subjectAlternativeNames)
            #expect(names.contains(.dnsName("localhost")))
            let loopback = GeneralName.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))
            #expect(names.contains(loopback))
            #expect(try server.extensions.extendedKeyUsage?.contains(.serverAuth) == true)
        }
    }

    @Test("keys are private to their owner")
    func keyPermissions() async throws {
        try await withTemporaryDirectory { folder in
            let files = try DevelopmentCertificateAuthority(folder: "\(folder)/tls").ensureServerCertificate()
            for path in [files.privateKey, "\(folder)/tls/ca-key.pem"] {
                let attributes = try FileManager.default.attributesOfItem(atPath: path)
                #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(path)")
            }
        }
    }

    @Test("a second run reuses the CA and the server certificate")
    func reuses() async throws {
        try await withTemporaryDirectory { folder in
            let authority = DevelopmentCertificateAuthority(folder: "\(folder)/tls")
            let first = try authority.ensureServerCertificate()
            let caBefore = try String(contentsOfFile: first.certificateAuthority, encoding: .utf8)
            let serverBefore = try String(contentsOfFile: first.certificateChain, encoding: .utf8)
            let second = try authority.ensureServerCertificate()
            #expect(try String(contentsOfFile: second.certificateAuthority, encoding: .utf8) == caBefore)
            #expect(try String(contentsOfFile: second.certificateChain, encoding: .utf8) == serverBefore)
        }
    }

    @Test("the server certificate is re-issued by the same CA when it nears expiry or gains a host name")
    func reissues() async throws {
        try await withTemporaryDirectory { folder in
            let first = try DevelopmentCertificateAuthority(folder: "\(folder)/tls").ensureServerCertificate()
            let caBefore = try String(contentsOfFile: first.certificateAuthority, encoding: .utf8)
            let serverBefore = try String(contentsOfFile: first.certificateChain, encoding: .utf8)

            let elevenMonthsLater = Date().addingTimeInterval(340 * 86400)
            let later = try DevelopmentCertificateAuthority(folder: "\(folder)/tls", now: { elevenMonthsLater })
                .ensureServerCertificate()
            let renewed = try String(contentsOfFile: later.certificateChain, encoding: .utf8)
            #expect(renewed != serverBefore)
            #expect(try String(contentsOfFile: later.certificateAuthority, encoding: .utf8) == caBefore)

            let withHost = try DevelopmentCertificateAuthority(folder: "\(folder)/tls")
                .ensureServerCertificate(extraHosts: ["shop.internal"])
            let names = try #require(try Self.certificate(withHost.certificateChain).extensions.subjectAlternativeNames)
            #expect(names.contains(.dnsName("shop.internal")))
        }
    }

    @Test("a damaged CA file is reported, not silently replaced")
    func damagedAuthority() async throws {
        try await withTemporaryDirectory { folder in
            let authority = DevelopmentCertificateAuthority(folder: "\(folder)/tls")
            _ = try authority.ensureServerCertificate()
            try "not a certificate".write(toFile: authority.certificateAuthorityPath, atomically: true, encoding: .utf8)
            let error = #expect(throws: TLSError.self) { try authority.ensureServerCertificate() }
            #expect(error?.code == .invalid)
        }
    }

    @Test("client certificates for mutual TLS are signed by the CA and marked for client authentication")
    func clientCertificate() async throws {
        try await withTemporaryDirectory { folder in
            let authority = DevelopmentCertificateAuthority(folder: "\(folder)/tls")
            let (pem, key) = try authority.issueClientCertificate(commonName: "souk-worker")
            let certificate = try Certificate(pemEncoded: pem)
            let ca = try Self.certificate(authority.certificateAuthorityPath)
            #expect(ca.publicKey.isValidSignature(certificate.signature, for: certificate))
            #expect(try certificate.extensions.extendedKeyUsage?.contains(.clientAuth) == true)
            #expect(key.contains("PRIVATE KEY"))
        }
    }

    private static func certificate(_ path: String) throws -> Certificate {
        try Certificate(pemEncoded: String(contentsOfFile: path, encoding: .utf8))
    }
}
