import NIOCore

/// Pipelines commands on one connection: answers come in the order commands were written, so each answer goes to
/// the oldest command waiting.
///
/// A command with no answer within its timeout fails, and so does every command behind it: the connection is
/// closed, since an answer arriving later would be taken for the next command's. A lost connection fails every
/// waiting command as ``RedisError/unavailable(_:)``.
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = Request
    typealias OutboundOut = ByteBuffer

    /// A command's bytes and where its answer goes.
    struct Request {
        var bytes: ByteBuffer
        var name: String
        var promise: EventLoopPromise<RESPValue>
    }

    private struct Waiting {
        var name: String
        var promise: EventLoopPromise<RESPValue>
        var timeout: Scheduled<Void>?
    }

    private let commandTimeout: TimeAmount
    private var waiting = CircularBuffer<Waiting>()
    private var isClosed = false

    init(commandTimeout: TimeAmount) {
        self.commandTimeout = commandTimeout
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = Self.unwrapOutboundIn(data)
        guard !self.isClosed else {
            request.promise.fail(RedisError.unavailable("the connection is closed"))
            promise?.fail(RedisError.unavailable("the connection is closed"))
            return
        }
        let timeout = context.eventLoop.assumeIsolated().scheduleTask(in: self.commandTimeout) { [weak self] in
            guard let self else { return }
            self.timedOut(context: context, command: request.name)
        }
        self.waiting.append(Waiting(name: request.name, promise: request.promise, timeout: timeout))
        context.write(Self.wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let value = Self.unwrapInboundIn(data)
        guard let first = self.waiting.popFirst() else {
            // Redis answers only what was asked (this client never subscribes): anything else is a broken stream.
            self.failAll(RedisError.protocolViolation("a reply no command asked for"), context: context)
            return
        }
        first.timeout?.cancel()
        first.promise.succeed(value)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let failure = error as? RedisError ?? RedisError.unavailable("\(error)")
        self.failAll(failure, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.failAll(RedisError.unavailable("the connection was closed"), context: context)
        context.fireChannelInactive()
    }

    private func timedOut(context: ChannelHandlerContext, command: String) {
        let milliseconds = self.commandTimeout.nanoseconds / 1_000_000
        self.failAll(RedisError.timedOut("\(command) had no answer within \(milliseconds) ms"), context: context)
    }

    private func failAll(_ error: RedisError, context: ChannelHandlerContext) {
        let wasClosed = self.isClosed
        self.isClosed = true
        while let waiting = self.waiting.popFirst() {
            waiting.timeout?.cancel()
            waiting.promise.fail(error)
        }
        if !wasClosed { context.close(promise: nil) }
    }
}

/// RESP replies out of the connection's bytes (``RESPParser``).
struct RESPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = RESPValue

    let parser: RESPParser

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let value = try self.parser.parse(&buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(value))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        try self.decode(context: context, buffer: &buffer)
    }
}
