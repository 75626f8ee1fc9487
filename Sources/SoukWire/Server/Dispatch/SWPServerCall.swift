import GRPCCore

/// One call the SWP server accepted: its stream on a connection, the request head and how messages are compressed.
///
/// Both ways of serving a call start here: ``SWPServer`` runs it directly (``execute(context:interceptors:decode:encode:handler:)``)
/// and GRPCCore's `GRPCServer` gets it as an `RPCStream` (``makeRPCStream(descriptor:)``).
package struct SWPServerCall: Sendable {
    /// The method the client named, "/package.Service/Method".
    package var path: String { self.opened.head.method }

    let opened: ConnectionHandler.OpenedStream
    let connection: ConnectionHandle
    let remotePeer: String
    let localPeer: String
    let compression: MessageCompression
    /// Where the wire sends the stream's cancellation (registered as the stream opened).
    let cancellation: CancellationRelay

    /// The request metadata as GRPCCore sees it.
    var metadata: Metadata { MetadataCoding.metadata(self.opened.head.metadata) }

    /// Runs `body` with the call's `ServerContext`; the wire cancels it when the client sends CANCEL, the deadline
    /// passes or the connection ends.
    func withContext(descriptor: MethodDescriptor, _ body: (ServerContext) async -> Void) async {
        await withServerContextRPCCancellationHandle { handle in
            self.cancellation.attach(handle)
            let context = ServerContext(
                descriptor: descriptor,
                remotePeer: self.remotePeer,
                localPeer: self.localPeer,
                cancellation: handle
            )
            await body(context)
        }
    }

    /// The call as GRPCCore's transport interface hands it to `GRPCServer`.
    func makeRPCStream(
        descriptor: MethodDescriptor
    ) -> RPCStream<SWPServerTransport.Inbound, SWPServerTransport.Outbound> {
        RPCStream(
            descriptor: descriptor,
            inbound: RPCAsyncSequence(
                wrapping: ServerStreamInbound(
                    metadata: self.metadata,
                    events: self.opened.inbound,
                    connection: self.connection,
                    id: self.opened.id,
                    compression: self.compression
                )
            ),
            outbound: RPCWriter.Closable(
                wrapping: ServerStreamWriter(
                    connection: self.connection,
                    id: self.opened.id,
                    compression: self.compression
                )
            )
        )
    }

    /// Ends the call at once with `status` (UNIMPLEMENTED for a method nobody serves): trailers only.
    func reject(_ status: Status) async {
        ServerStreamWriter.sendWhole(
            on: self.connection,
            id: self.opened.id,
            compression: self.compression,
            head: nil,
            messages: [],
            status: status,
            trailingMetadata: [:]
        )
    }
}
