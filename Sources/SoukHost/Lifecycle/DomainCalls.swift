import GRPCCore
import GRPCInProcessTransport
import ServiceLifecycle
import SoukDomain
import SoukWire

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
        let remoteClients: [GRPCClient<SWPClientTransport>]
        /// What the domains are handed.
        let clients: DomainClients

        /// In-process clients for `hosted` services, SWP clients for `remote` ones.
        init(hosted: [ServiceDescriptor], remote: [ServiceDescriptor: SWPClientTransport.Config]) {
            let inProcess = InProcessTransport()
            let inProcessClient = GRPCClient(transport: inProcess.client)
            var sources: [ServiceDescriptor: any DomainClientSource] = [:]
            var remoteClients: [GRPCClient<SWPClientTransport>] = []
            for (service, config) in remote {
                let client = GRPCClient(transport: SWPClientTransport(config: config))
                remoteClients.append(client)
                sources[service] = Source(client: client)
            }
            for service in hosted { sources[service] = Source(client: inProcessClient) }
            self.inProcess = inProcess
            self.inProcessClient = inProcessClient
            self.remoteClients = remoteClients
            self.clients = DomainClients(sources: sources)
        }
    }

    private let wiring: Wiring
    private let server: GRPCServer<InProcessTransport.Server>

    /// Serves `services` in process through `interceptors`, and runs the clients of `wiring`.
    init(wiring: Wiring, services: [any RegistrableRPCService], interceptors: [any ServerInterceptor]) {
        self.wiring = wiring
        self.server = GRPCServer(transport: wiring.inProcess.server, services: services, interceptors: interceptors)
    }

    func run() async throws {
        let wiring = self.wiring
        let server = self.server
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                group.addTask { try await wiring.inProcessClient.runConnections() }
                for client in wiring.remoteClients {
                    group.addTask { try await client.runConnections() }
                }
            }
        } onGracefulShutdown: {
            for client in wiring.remoteClients { client.beginGracefulShutdown() }
            wiring.inProcessClient.beginGracefulShutdown()
            server.beginGracefulShutdown()
        }
    }

    private struct Source<Transport: ClientTransport>: DomainClientSource {
        let client: GRPCClient<Transport>

        func client<Maker: DomainClientMaker>(_ maker: Maker) -> Maker.Client {
            maker.make(self.client)
        }
    }
}
