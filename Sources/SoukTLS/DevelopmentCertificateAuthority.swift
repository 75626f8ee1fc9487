import Crypto
package import Foundation
import SwiftASN1
import X509

/// A certificate authority for development, kept in `<data folder>/tls/`.
///
/// On first use it creates `ca.pem`/`ca-key.pem` (ten years) and a server certificate `server.pem`/`server-key.pem`
/// (one year) for `localhost`, `127.0.0.1` and `::1` plus any extra host names. Later uses load them; the
/// server certificate is re-issued when it nears expiry or when the host names change. Keys are P-256 and
/// written with mode 0600. Clients trust `ca.pem`.
///
/// ```swift
/// let files = try DevelopmentCertificateAuthority(folder: ".souk/tls").ensureServerCertificate()
/// ```
package struct DevelopmentCertificateAuthority: Sendable {
    /// The folder holding the PEM files.
    package let folder: String
    private let now: @Sendable () -> Date

    /// Manages the CA in `folder`; `now` is injectable for expiry tests.
    package init(folder: String, now: @escaping @Sendable () -> Date = { Date() }) {
        self.folder = folder
        self.now = now
    }

    /// Path of the CA certificate.
    package var certificateAuthorityPath: String { "\(self.folder)/ca.pem" }
    private var certificateAuthorityKeyPath: String { "\(self.folder)/ca-key.pem" }
    private var serverCertificatePath: String { "\(self.folder)/server.pem" }
    private var serverKeyPath: String { "\(self.folder)/server-key.pem" }

    /// Creates whatever is missing or stale and returns the server's files.
    ///
    /// - Parameter extraHosts: host names or IP addresses to add to the server certificate.
    /// - Throws: ``TLSError`` when the folder cannot be written or the files are damaged.
    package func ensureServerCertificate(extraHosts: [String] = []) throws -> TLSFiles {
        try self.makeFolder()
        let (caCertificate, caKey) = try self.loadOrCreateAuthority()
        let hosts = ["localhost", "127.0.0.1", "::1"] + extraHosts.filter { !$0.isEmpty }
        if try self.serverCertificateNeedsIssuing(hosts: hosts, issuer: caCertificate) {
            try self.issueServerCertificate(hosts: hosts, caCertificate: caCertificate, caKey: caKey)
        }
        return TLSFiles(
            certificateAuthority: self.certificateAuthorityPath,
            certificateChain: self.serverCertificatePath,
            privateKey: self.serverKeyPath
        )
    }

    /// Issues a client certificate (for mutual TLS) signed by this CA, returning its PEM certificate and key.
    package func issueClientCertificate(commonName: String) throws -> (certificate: String, privateKey: String) {
        try self.makeFolder()
        let (caCertificate, caKey) = try self.loadOrCreateAuthority()
        let key = P256.Signing.PrivateKey()
        let certificate = try self.makeLeaf(
            commonName: commonName,
            publicKey: Certificate.PublicKey(key.publicKey),
            names: [],
            usages: [.clientAuth],
            caCertificate: caCertificate,
            caKey: caKey
        )
        return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
    }

    private func makeFolder() throws {
        do {
            // The data folder above stays 0755 (the embedded cluster's user must pass through it); keys are 0600.
            try FileManager.default.createDirectory(
                atPath: (self.folder as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o755]
            )
            if !FileManager.default.fileExists(atPath: self.folder) {
                try FileManager.default.createDirectory(
                    atPath: self.folder,
                    withIntermediateDirectories: false,
                    attributes: [.posixPermissions: 0o700]
                )
            }
        } catch {
            throw TLSError(code: .unwritable, message: "cannot create the TLS folder \(self.folder)", cause: error)
        }
    }

    private func loadOrCreateAuthority() throws -> (Certificate, P256.Signing.PrivateKey) {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: self.certificateAuthorityPath) {
            let text = try Self.read(self.certificateAuthorityPath)
            let certificate: Certificate
            do {
                certificate = try Certificate(pemEncoded: text)
            } catch {
                throw TLSError(
                    code: .invalid,
                    message:
                        "\(self.certificateAuthorityPath) is not a PEM certificate; remove the tls folder to create a new CA",
                    cause: error
                )
            }
            let key: P256.Signing.PrivateKey
            do {
                key = try P256.Signing.PrivateKey(pemRepresentation: Self.read(self.certificateAuthorityKeyPath))
            } catch let error as TLSError {
                throw error
            } catch {
                throw TLSError(
                    code: .invalid,
                    message: "\(self.certificateAuthorityKeyPath) is not a P-256 key",
                    cause: error
                )
            }
            return (certificate, key)
        }
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("Souk development")
            CommonName("Souk development CA")
        }
        let publicKey = Certificate.PublicKey(key.publicKey)
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: self.now().addingTimeInterval(-3600),
            notValidAfter: self.now().addingTimeInterval(10 * 365 * 86400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        try Self.write(key.pemRepresentation, to: self.certificateAuthorityKeyPath, secret: true)
        try Self.write(try certificate.serializeAsPEM().pemString, to: self.certificateAuthorityPath, secret: false)
        // A new CA invalidates any server certificate issued by an old one.
        try? FileManager.default.removeItem(atPath: self.serverCertificatePath)
        return (certificate, key)
    }

    private func serverCertificateNeedsIssuing(hosts: [String], issuer: Certificate) throws -> Bool {
        guard FileManager.default.fileExists(atPath: self.serverCertificatePath),
            FileManager.default.fileExists(atPath: self.serverKeyPath)
        else { return true }
        guard let certificate = try? Certificate(pemEncoded: Self.read(self.serverCertificatePath)) else { return true }
        if certificate.issuer != issuer.subject { return true }
        if certificate.notValidAfter < self.now().addingTimeInterval(30 * 86400) { return true }
        let names = (try? certificate.extensions.subjectAlternativeNames) ?? nil
        let present = Set((names ?? SubjectAlternativeNames([])).map { "\($0)" })
        let wanted = Set(Self.generalNames(for: hosts).map { "\($0)" })
        return !wanted.isSubset(of: present)
    }

    private func issueServerCertificate(
        hosts: [String],
        caCertificate: Certificate,
        caKey: P256.Signing.PrivateKey
    ) throws {
        let key = P256.Signing.PrivateKey()
        let certificate = try self.makeLeaf(
            commonName: hosts[0],
            publicKey: Certificate.PublicKey(key.publicKey),
            names: Self.generalNames(for: hosts),
            usages: [.serverAuth, .clientAuth],
            caCertificate: caCertificate,
            caKey: caKey
        )
        try Self.write(key.pemRepresentation, to: self.serverKeyPath, secret: true)
        try Self.write(try certificate.serializeAsPEM().pemString, to: self.serverCertificatePath, secret: false)
    }

    private func makeLeaf(
        commonName: String,
        publicKey: Certificate.PublicKey,
        names: [GeneralName],
        usages: [ExtendedKeyUsage.Usage],
        caCertificate: Certificate,
        caKey: P256.Signing.PrivateKey
    ) throws -> Certificate {
        let subject = try DistinguishedName {
            OrganizationName("Souk development")
            CommonName(commonName)
        }
        return try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: self.now().addingTimeInterval(-3600),
            notValidAfter: self.now().addingTimeInterval(365 * 86400),
            issuer: caCertificate.subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage(usages)
                SubjectKeyIdentifier(hash: publicKey)
                if let authorityKey = try? caCertificate.extensions.subjectKeyIdentifier {
                    AuthorityKeyIdentifier(keyIdentifier: authorityKey.keyIdentifier)
                }
                if !names.isEmpty {
                    SubjectAlternativeNames(names)
                }
            },
            issuerPrivateKey: Certificate.PrivateKey(caKey)
        )
    }

    private static func generalNames(for hosts: [String]) -> [GeneralName] {
        hosts.map { host in
            if let bytes = IPAddressBytes.parse(host) {
                return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes)))
            }
            return .dnsName(host)
        }
    }

    private static func read(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw TLSError(code: .unreadable, message: "cannot read \(path)", cause: error)
        }
    }

    private static func write(_ text: String, to path: String, secret: Bool) throws {
        let created = FileManager.default.createFile(
            atPath: path + ".tmp",
            contents: Data(text.utf8),
            attributes: [.posixPermissions: secret ? 0o600 : 0o644]
        )
        do {
            guard created else { throw CocoaError(.fileWriteUnknown) }
            // Replace atomically so a crash never leaves half a key behind.
            _ = try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: path + ".tmp", toPath: path)
        } catch {
            throw TLSError(code: .unwritable, message: "cannot write \(path)", cause: error)
        }
    }
}
