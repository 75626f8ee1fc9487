import Foundation
import GRPCCore
import GRPCInProcessTransport
import ServiceLifecycle
import SoukAPI
import SoukClient
import SoukDomain
import SoukWire
import Synchronization

/// The wires domains call each other over: GRPCCore's in-process transport to the domains of this process (served
/// with the same access policy as the network wires), and SWP to those another soukd runs.
///
/// Runs as one service placed before the RPC server in the group, so it stops after the RPC server has drained:
/// a call in flight can still reach another domain.
final class DomainCalls: Service, Sendable {
    /// The clients, made before the domains that use them (``clients`` goes into their context).
    struct Wiring: Sendable {
        let inProcess: InProcessTransport
        let inProcessClient: GRPCClient<InProcessTransport.Client>
        /// A second in-process transport for callers that are not domains (tests, a program embedding the host):
        /// their calls are never signed as the host's service account.
        let callers: InProcessTransport
        let callerClient: GRPCClient<InProcessTransport.Client>
        let remoteClients: [GRPCClient<SWPClientTransport>]
        /// What the domains are handed.
        let clients: DomainClients

        /// In-process clients for `hosted` services, SWP clients for `remote` ones; calls that carry no token are
        /// signed as `serviceAccount` when there is one, else with tokens from `hostAccount`, the host's own service
        /// account when identity runs here (``ServiceIdentityInterceptor``).
        init(
            hosted: [ServiceDescriptor],
            remote: [ServiceDescriptor: SWPClientTransport.Config],
            serviceAccount: HostConfig.ServiceAccount? = nil,
            hostAccount: ClientCredentialsTokenSource.Grant? = nil,
            wallClock: WallClock = .system
        ) {
            let identity = IdentityForGrants()
            var interceptors: [any ClientInterceptor] = []
            let now: @Sendable () -> Int64 = { Int64(wallClock.now.timeIntervalSince1970 * 1000) }
            if let serviceAccount {
                let tokens = ClientCredentialsTokenSource(
                    clientID: serviceAccount.clientID,
                    clientSecret: serviceAccount.clientSecret,
                    now: now,
                    grant: { request in try await identity.grant(request) }
                )
                interceptors.append(ServiceIdentityInterceptor(tokens: tokens))
            } else if let hostAccount {
                // Identity runs here: its service mints the host account's tokens directly, with no secret.
                let tokens = ClientCredentialsTokenSource(clientID: "", clientSecret: "", now: now, grant: hostAccount)
                interceptors.append(ServiceIdentityInterceptor(tokens: tokens))
            }
            let inProcess = InProcessTransport()
            let inProcessClient = GRPCClient(transport: inProcess.client, interceptors: interceptors)
            var sources: [ServiceDescriptor: any DomainClientSource] = [:]
            var remoteClients: [GRPCClient<SWPClientTransport>] = []
            for (service, config) in remote {
                let client = GRPCClient(transport: SWPClientTransport(config: config), interceptors: interceptors)
                remoteClients.append(client)
                sources[service] = Source(client: client)
            }
            for service in hosted { sources[service] = Source(client: inProcessClient) }
            self.inProcess = inProcess
            self.inProcessClient = inProcessClient
            self.callers = InProcessTransport()
            self.callerClient = GRPCClient(transport: self.callers.client)
            self.remoteClients = remoteClients
            self.clients = DomainClients(sources: sources)
            identity.use(self.clients)
        }
    }

    private let wiring: Wiring
    private let server: GRPCServer<InProcessTransport.Server>
    private let callerServer: GRPCServer<InProcessTransport.Server>

    /// Serves `services` in process through `interceptors` (to the domains and to other callers, apart), and
    /// runs the clients of `wiring`.
    init(wiring: Wiring, services: [any RegistrableRPCService], interceptors: [any ServerInterceptor]) {
        self.wiring = wiring
        self.server = GRPCServer(transport: wiring.inProcess.server, services: services, interceptors: interceptors)
        self.callerServer = GRPCServer(
            transport: wiring.callers.server,
            services: services,
            interceptors: interceptors
        )
    }

    func run() async throws {
        let wiring = self.wiring
        let server = self.server
        let callerServer = self.callerServer
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                group.addTask { try await callerServer.serve() }
                group.addTask { try await wiring.inProcessClient.runConnections() }
                group.addTask { try await wiring.callerClient.runConnections() }
                for client in wiring.remoteClients {
                    group.addTask { try await client.runConnections() }
                }
            }
        } onGracefulShutdown: {
            for client in wiring.remoteClients { client.beginGracefulShutdown() }
            wiring.inProcessClient.beginGracefulShutdown()
            wiring.callerClient.beginGracefulShutdown()
            server.beginGracefulShutdown()
            callerServer.beginGracefulShutdown()
        }
    }

    /// Identity's `ClientCredentials`, reached through the same clients the grant's token then signs (known only
    /// once they exist).
    private final class IdentityForGrants: Sendable {
        private let clients = Mutex<DomainClients?>(nil)

        func use(_ clients: DomainClients) {
            self.clients.withLock { $0 = clients }
        }

        func grant(
            _ request: Souk_Identity_V1_ClientCredentialsRequest
        ) async throws -> Souk_Identity_V1_ClientCredentialsResponse {
            guard let clients = self.clients.withLock({ $0 }),
                let identity = try? clients.client(of: Souk_Identity_V1_IdentityService.descriptor, IdentityMaker())
            else {
                throw RPCError(
                    code: .failedPrecondition,
                    message: "identity is neither hosted here nor named with --remote identity=HOST:PORT"
                )
            }
            return try await identity.clientCredentials(request)
        }
    }

    private struct IdentityMaker: DomainClientMaker {
        func make<Transport: ClientTransport>(
            _ client: GRPCClient<Transport>
        ) -> any Souk_Identity_V1_IdentityService.ClientProtocol {
            Souk_Identity_V1_IdentityService.Client(wrapping: client)
        }
    }

    private struct Source<Transport: ClientTransport>: DomainClientSource {
        let client: GRPCClient<Transport>

        func client<Maker: DomainClientMaker>(_ maker: Maker) -> Maker.Client {
            maker.make(self.client)
        }
    }
}
