import Foundation
package import GRPCCore
package import SoukAPI
import SoukAccess
import SoukDomain

extension IdentityService {
    package func getJwks(
        request: Souk_Identity_V1_GetJwksRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_GetJwksResponse {
        var response = Souk_Identity_V1_GetJwksResponse()
        response.jwksJson = try await self.signingKeys.jwks()
        return response
    }

    package func rotateSigningKey(
        request: Souk_Identity_V1_RotateSigningKeyRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_RotateSigningKeyResponse {
        let (caller, id) = try self.requireCaller()
        let kid = try await self.signingKeys.rotate()
        try await self.verifier.forceReload()
        await self.audit("key.rotated", account: nil, actor: id, address: caller.clientAddress, detail: kid)
        var response = Souk_Identity_V1_RotateSigningKeyResponse()
        response.keyID = kid
        return response
    }

    package func createServiceAccount(
        request: Souk_Identity_V1_CreateServiceAccountRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_CreateServiceAccountResponse {
        let (caller, callerID) = try self.requireCaller()
        guard request.name.range(of: #"^[a-z][a-z0-9-]{1,40}$"#, options: .regularExpression) != nil else {
            throw IdentityError.invalidArgument("name: 2-41 of a-z 0-9 -, starting with a letter")
        }
        let known = Set(Permission.all.map(\.rawValue))
        guard !request.scopes.isEmpty, let unknown = Optional(request.scopes.filter { !known.contains($0) }),
            unknown.isEmpty
        else {
            throw IdentityError.invalidArgument("scopes: give one or more of \(known.sorted().joined(separator: ", "))")
        }
        let clientID = "svc-\(request.name)-\(UUID().uuidString.prefix(8).lowercased())"
        let secret = Secrets.token()
        var profile = Souk_Identity_V1_Profile()
        profile.displayName = request.name
        // Service accounts have no password: they sign in only by the client-credentials grant.
        let account = try self.newAccount(
            email: "\(clientID)@service.souk.invalid",
            roles: [.service],
            profile: profile
        )
        try await self.store.insertServiceAccount(
            clientID: clientID,
            account: account,
            secretHash: Secrets.hash(secret),
            scopes: Array(Set(request.scopes)).sorted()
        )
        await self.audit(
            "service_account.created",
            account: account.id,
            actor: callerID,
            address: caller.clientAddress,
            detail: clientID
        )
        var response = Souk_Identity_V1_CreateServiceAccountResponse()
        response.clientID = clientID
        response.clientSecret = secret
        return response
    }

    package func clientCredentials(
        request: Souk_Identity_V1_ClientCredentialsRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_ClientCredentialsResponse {
        let address = Self.clientAddress(context)
        let keys = ["client:\(request.clientID.prefix(64))", "address:\(address)"]
        try await self.checkThrottle(keys: keys)
        guard let service = try await self.store.serviceAccount(clientID: request.clientID),
            ConstantTime.equal(Array(Secrets.hash(request.clientSecret).utf8), Array(service.secretHash.utf8)),
            !service.disabled
        else {
            try await self.store.recordFailure(keys: keys)
            await self.audit("token.failed", account: nil, actor: nil, address: address, detail: "client credentials")
            throw IdentityError.unauthenticated("the client id or secret is wrong")
        }
        let granted = Set(service.scopes)
        let asked = request.scopes.isEmpty ? granted : Set(request.scopes)
        guard asked.isSubset(of: granted) else {
            throw IdentityError.permissionDenied(
                "scopes: \(asked.subtracting(granted).sorted().joined(separator: " ")) not granted"
            )
        }
        return try await self.serviceToken(account: service.accountID, scopes: asked)
    }

    /// An access token for the service account `account`, limited to `scopes`.
    func serviceToken(account: UUID, scopes: Set<String>) async throws -> Souk_Identity_V1_ClientCredentialsResponse {
        let now = self.wallClock.now
        let expires = now.addingTimeInterval(self.config.accessTokenLifetime.seconds)
        let claims = AccessClaims(
            subject: account.uuidString.lowercased(),
            sessionID: nil,
            roles: [RoleName.service.rawValue],
            scope: scopes.sorted().joined(separator: " "),
            mustChangePassword: false,
            issuedAt: now,
            expiresAt: expires
        )
        var response = Souk_Identity_V1_ClientCredentialsResponse()
        response.accessToken = try await self.signingKeys.sign(claims)
        response.expiresAtUnixMs = Int64(expires.timeIntervalSince1970 * 1000)
        response.scopes = scopes.sorted()
        return response
    }

    package func listAuditEvents(
        request: Souk_Identity_V1_ListAuditEventsRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_ListAuditEventsResponse {
        let size = request.pageSize == 0 ? 50 : Int(request.pageSize)
        guard (1...500).contains(size) else { throw IdentityError.invalidArgument("page_size: 1…500 (0 means 50)") }
        let account = request.accountID.isEmpty ? nil : try Self.accountID(request.accountID, field: "account_id")
        let before: Int64?
        if request.pageToken.isEmpty {
            before = nil
        } else {
            guard let value = Int64(request.pageToken) else {
                throw IdentityError.invalidArgument("page_token: not one of ours")
            }
            before = value
        }
        let events = try await self.store.auditEvents(accountID: account, before: before, limit: size + 1)
        var response = Souk_Identity_V1_ListAuditEventsResponse()
        response.events = events.prefix(size).map { record in
            var event = Souk_Identity_V1_AuditEvent()
            event.id = record.id
            event.atUnixMs = Int64(record.at.timeIntervalSince1970 * 1000)
            event.kind = record.kind
            event.accountID = record.accountID?.uuidString.lowercased() ?? ""
            event.actorID = record.actorID?.uuidString.lowercased() ?? ""
            event.clientAddress = record.clientAddress
            event.detail = record.detail
            return event
        }
        if events.count > size, let last = events.prefix(size).last { response.nextPageToken = String(last.id) }
        return response
    }

    /// Re-seals every personal field and signing key under the ring's first key; returns how many values changed.
    package func reencryptAll() async throws -> Int {
        var changed = 0
        for (id, phone, addresses, totp) in try await self.store.sealedFields() {
            func reseal(_ value: String?, _ field: String) throws -> String? {
                guard let value, !self.ring.isCurrent(value) else { return value }
                changed += 1
                let context = "account/\(id)/\(field)"
                return try self.ring.seal(try self.ring.open(value, context: context), context: context)
            }
            let newPhone = try reseal(phone, "phone")
            let newAddresses = try reseal(addresses, "addresses")
            let newTotp = try reseal(totp, "totp")
            if newPhone != phone || newAddresses != addresses || newTotp != totp {
                try await self.store.replaceSealed(id: id, phone: newPhone, addresses: newAddresses, totp: newTotp)
            }
        }
        changed += try await self.store.sealEmails()
        for key in try await self.store.signingKeys() where !self.ring.isCurrent(key.privateSealed) {
            let context = "signing-key/\(key.kid)"
            let resealed = try self.ring.seal(try self.ring.open(key.privateSealed, context: context), context: context)
            try await self.store.replaceSealedSigningKey(kid: key.kid, privateSealed: resealed)
            changed += 1
        }
        await self.audit("key.data_reencrypted", account: nil, actor: nil, address: "", detail: "\(changed) values")
        return changed
    }
}
