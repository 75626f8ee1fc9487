import ArgumentParser
import SoukAPI
import SoukCtlKit

/// `soukctl users list|create|create-service-account|set-roles|disable|enable`: accounts and their roles (admins; staff may list).
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List and manage accounts and their roles.",
        subcommands: [List.self, Create.self, CreateServiceAccount.self, SetRoles.self, Disable.self, Enable.self]
    )

    /// Role names as typed: customer, staff, admin, service.
    static let roles: [(String, Souk_Identity_V1_Role)] = [
        ("customer", .customer), ("staff", .staff), ("admin", .admin), ("service", .service),
    ]

    static func role(_ text: String) throws -> Souk_Identity_V1_Role {
        guard let role = Self.roles.first(where: { $0.0 == text.lowercased() })?.1 else {
            throw ValidationError("--role: '\(text)' is not one of \(Self.roles.map(\.0).joined(separator: ", "))")
        }
        return role
    }

    static func roleNames(_ roles: [Souk_Identity_V1_Role]) -> String {
        roles.map { role in Self.roles.first(where: { $0.1 == role })?.0 ?? "\(role)" }.joined(separator: ",")
    }

    static func printAccounts(_ accounts: [Souk_Identity_V1_Account], global: GlobalOptions) throws {
        if global.isJSON { return try Printer.json(accounts) }
        Printer.table(
            ["ID", "EMAIL", "ROLES", "2FA", "DISABLED", "CREATED (UTC)"],
            accounts.map { account in
                [
                    account.id, account.email, Self.roleNames(account.roles), account.totpEnabled ? "on" : "",
                    account.disabled ? "yes" : "", DayParsing.format(unixMs: account.createdAtUnixMs),
                ]
            }
        )
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts (every page).")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Only accounts with this role: customer, staff, admin or service.") var role: String?

        func validate() throws { if let role { _ = try Users.role(role) } }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Identity_V1_ListAccountsRequest()
                request.role = try self.role.map(Users.role) ?? .unspecified
                request.pageSize = 200
                let accounts = try await session.authenticated { api in
                    var all: [Souk_Identity_V1_Account] = []
                    var page = request
                    repeat {
                        let response = try await api.identity.listAccounts(page, options: api.options)
                        all += response.accounts
                        page.pageToken = response.nextPageToken
                    } while !page.pageToken.isEmpty
                    return all
                }
                try Users.printAccounts(accounts, global: self.global)
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a staff or admin account; prints its one-time password once."
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: "The person's email.") var email: String
        @Option(help: "staff or admin (repeat for both).") var role: [String]
        @Option(help: "The name shown for the account.") var name: String?

        func validate() throws {
            guard !self.role.isEmpty else { throw ValidationError("give --role staff or --role admin") }
            for role in self.role { _ = try Users.role(role) }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Identity_V1_CreateAccountRequest()
                request.email = self.email
                request.roles = try self.role.map(Users.role)
                if let name { request.profile.displayName = name }
                let response = try await session.authenticated { api in
                    try await api.identity.createAccount(request, options: api.options)
                }
                if self.global.isJSON { return try Printer.json(response) }
                Printer.fields([
                    ("account", response.account.id), ("email", response.account.email),
                    ("roles", Users.roleNames(response.account.roles)),
                    ("one-time password", response.initialPassword),
                ])
                Printer.note(
                    "hand the one-time password over privately; it is shown only now and must be changed at first login"
                )
            }
        }
    }

    struct SetRoles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-roles",
            abstract: "Replace an account's roles."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account: its id, the start of it as tables show it, or its email.") var id: String
        @Option(help: "customer, staff or admin; repeat for several.") var role: [String]

        func validate() throws {
            guard !self.role.isEmpty else { throw ValidationError("give at least one --role") }
            for role in self.role { _ = try Users.role(role) }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Identity_V1_SetRolesRequest()
                request.accountID = self.id
                request.roles = try self.role.map(Users.role)
                let account = try await session.authenticated { api in
                    try await api.identity.setRoles(request, options: api.options).account
                }
                try Users.printAccounts([account], global: self.global)
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account (it can no longer sign in).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account: its id, the start of it as tables show it, or its email.") var id: String

        func run() async throws {
            try await reportingErrors { try await Users.setDisabled(self.id, true, self.global) }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account: its id, the start of it as tables show it, or its email.") var id: String

        func run() async throws {
            try await reportingErrors { try await Users.setDisabled(self.id, false, self.global) }
        }
    }

    static func setDisabled(_ id: String, _ disabled: Bool, _ global: GlobalOptions) async throws {
        let session = try Session(global)
        var request = Souk_Identity_V1_SetAccountDisabledRequest()
        request.accountID = id
        request.disabled = disabled
        let account = try await session.authenticated { api in
            try await api.identity.setAccountDisabled(request, options: api.options).account
        }
        try Users.printAccounts([account], global: global)
    }
}
