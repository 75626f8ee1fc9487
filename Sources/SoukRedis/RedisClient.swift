package import Logging
package import NIOCore
import NIOPosix
import Synchronization

/// A small Redis client on SwiftNIO: one pipelined connection, made when first needed and made again after a loss.
///
/// Made for a cache that must never hold its callers up: every command has a timeout, and after a failed connect
/// every call fails at once (``RedisError/unavailable(_:)``) until ``Configuration/retryDelay`` has passed, so a
/// caller falls back to the database without waiting on a Redis that is down.
///
/// ```swift
/// let redis = RedisClient(configuration: .init(endpoint: try RedisEndpoint(url: "redis://127.0.0.1:6379/0")))
/// try await redis.set("recs:42", to: ByteBuffer(string: "…"), expiresIn: .seconds(600))
/// let cached = try await redis.get("recs:42")
/// ```
package final class RedisClient: Sendable {
    /// Where Redis is and how long to wait for it.
    package struct Configuration: Sendable {
        package var endpoint: RedisEndpoint
        /// How long a command may wait for its answer.
        package var commandTimeout: Duration = .milliseconds(500)
        /// How long a connect (TCP and the `AUTH`/`SELECT` handshake) may take.
        package var connectTimeout: Duration = .seconds(1)
        /// After a failed connect, how long calls fail at once before the next attempt.
        package var retryDelay: Duration = .seconds(1)

        package init(endpoint: RedisEndpoint) {
            self.endpoint = endpoint
        }
    }

    private enum State {
        case idle
        case connecting(EventLoopFuture<any Channel>)
        case connected(any Channel)
        case failed(until: ContinuousClock.Instant, reason: String)
        case shutDown
    }

    private let configuration: Configuration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let state = Mutex(State.idle)

    package init(
        configuration: Configuration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "souk.redis")
    ) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
    }

    /// Closes the connection; later calls fail as unavailable.
    package func shutdown() async {
        let channel = self.state.withLock { state -> (any Channel)? in
            defer { state = .shutDown }
            if case .connected(let channel) = state { return channel }
            return nil
        }
        try? await channel?.close()
    }

    // MARK: - Commands

    /// `GET key`: the value, or nil when the key is absent.
    package func get(_ key: String) async throws(RedisError) -> ByteBuffer? {
        switch try await self.send(["GET", key]) {
        case .bulkString(let value): return value
        case let other: throw .unexpectedReply("GET answered \(other)")
        }
    }

    /// `SET key value [PX ms]`.
    package func set(_ key: String, to value: ByteBuffer, expiresIn ttl: Duration? = nil) async throws(RedisError) {
        var arguments = [ByteBuffer(string: "SET"), ByteBuffer(string: key), value]
        if let ttl {
            let milliseconds = max(
                1,
                ttl.components.seconds * 1000 + ttl.components.attoseconds / 1_000_000_000_000_000
            )
            arguments += [ByteBuffer(string: "PX"), ByteBuffer(string: String(milliseconds))]
        }
        let reply = try await self.send(arguments)
        guard reply == .simpleString("OK") else { throw .unexpectedReply("SET answered \(reply)") }
    }

    /// `DEL key…`: how many of the keys existed.
    @discardableResult
    package func delete(_ keys: [String]) async throws(RedisError) -> Int {
        guard !keys.isEmpty else { return 0 }
        switch try await self.send(["DEL"] + keys) {
        case .integer(let count): return Int(count)
        case let other: throw .unexpectedReply("DEL answered \(other)")
        }
    }

    /// `PING`: whether Redis answers at all.
    package func ping() async throws(RedisError) {
        let reply = try await self.send(["PING"])
        guard reply == .simpleString("PONG") else { throw .unexpectedReply("PING answered \(reply)") }
    }

    /// Sends a command of text arguments (the command name first) and returns the answer; an error reply throws
    /// ``RedisError/server(_:)``.
    package func send(_ arguments: [String]) async throws(RedisError) -> RESPValue {
        try await self.send(arguments.map { ByteBuffer(string: $0) })
    }

    /// Sends a command of binary-safe arguments (the command name first).
    package func send(_ arguments: [ByteBuffer]) async throws(RedisError) -> RESPValue {
        let channel = try await self.channel()
        let reply = try await Self.send(arguments, on: channel)
        if case .error(let message) = reply { throw .server(message) }
        return reply
    }

    // MARK: - The connection

    private static func send(_ arguments: [ByteBuffer], on channel: any Channel) async throws(RedisError) -> RESPValue {
        do {
            return try await self.sendFuture(arguments, on: channel).get()
        } catch let error as RedisError {
            throw error
        } catch {
            throw .unavailable("\(error)")
        }
    }

    private static func sendFuture(_ arguments: [ByteBuffer], on channel: any Channel) -> EventLoopFuture<RESPValue> {
        var bytes = channel.allocator.buffer(capacity: 64)
        RESPEncoding.writeCommand(arguments, to: &bytes)
        let name = arguments.first.map { String(buffer: $0).uppercased() } ?? "?"
        let promise = channel.eventLoop.makePromise(of: RESPValue.self)
        let request = RedisCommandHandler.Request(bytes: bytes, name: name, promise: promise)
        channel.writeAndFlush(request).whenFailure { error in
            promise.fail(error as? RedisError ?? RedisError.unavailable("\(error)"))
        }
        return promise.futureResult
    }

    /// The live connection, or a new one; fails at once while a recent connect failure is within the retry delay.
    private func channel() async throws(RedisError) -> any Channel {
        enum Decision {
            case fail(RedisError)
            case wait(EventLoopFuture<any Channel>)
            case started(EventLoopFuture<any Channel>)
        }
        let now = ContinuousClock.now
        let decision = self.state.withLock { state -> Decision in
            switch state {
            case .connected(let channel) where channel.isActive:
                return .wait(channel.eventLoop.makeSucceededFuture(channel))
            case .connecting(let future):
                return .wait(future)
            case .failed(let until, let reason) where now < until:
                return .fail(.unavailable("\(reason); next attempt within \(self.configuration.retryDelay)"))
            case .shutDown:
                return .fail(.unavailable("the client was shut down"))
            case .idle, .connected, .failed:
                let future = self.connect()
                state = .connecting(future)
                return .started(future)
            }
        }
        let future: EventLoopFuture<any Channel>
        switch decision {
        case .fail(let error):
            throw error
        case .wait(let waiting):
            future = waiting
        case .started(let started):
            // Outside the lock: a callback may run at once.
            started.whenComplete { result in self.connectEnded(result) }
            future = started
        }
        do {
            return try await future.get()
        } catch let error as RedisError {
            throw error
        } catch {
            throw .unavailable("\(error)")
        }
    }

    private func connectEnded(_ result: Result<any Channel, any Error>) {
        let orphan = self.state.withLock { state -> (any Channel)? in
            guard case .connecting = state else {
                // Shut down while connecting: nobody will use this connection.
                return try? result.get()
            }
            switch result {
            case .success(let channel):
                state = .connected(channel)
            case .failure(let error):
                let reason = error as? RedisError ?? .unavailable("\(error)")
                state = .failed(until: ContinuousClock.now + self.configuration.retryDelay, reason: "\(reason)")
            }
            return nil
        }
        orphan?.close(promise: nil)
        if case .failure(let error) = result {
            self.logger.warning(
                "Redis is unavailable; callers answer without it",
                metadata: ["endpoint": "\(self.configuration.endpoint)", "error": "\(error)"]
            )
        }
    }

    /// Connects, then signs in and selects the database.
    private func connect() -> EventLoopFuture<any Channel> {
        let endpoint = self.configuration.endpoint
        let commandTimeout = TimeAmount(self.configuration.commandTimeout)
        let bootstrap = ClientBootstrap(group: self.group)
            .connectTimeout(TimeAmount(self.configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(RESPReplyDecoder(parser: RESPParser())),
                        RedisCommandHandler(commandTimeout: commandTimeout)
                    )
                }
            }
        let connected: EventLoopFuture<any Channel>
        switch endpoint.address {
        case .tcp(let host, let port): connected = bootstrap.connect(host: host, port: port)
        case .unixSocket(let path): connected = bootstrap.connect(unixDomainSocketPath: path)
        }
        let logger = self.logger
        return connected.flatMapError { error in
            connected.eventLoop.makeFailedFuture(RedisError.unavailable("cannot connect to \(endpoint): \(error)"))
        }.flatMap { channel in
            var handshake: [[ByteBuffer]] = []
            if let password = endpoint.password {
                handshake.append(
                    [ByteBuffer(string: "AUTH")] + (endpoint.username.map { [ByteBuffer(string: $0)] } ?? [])
                        + [ByteBuffer(string: password)]
                )
            }
            if endpoint.database != 0 {
                handshake.append([ByteBuffer(string: "SELECT"), ByteBuffer(string: String(endpoint.database))])
            }
            var step = channel.eventLoop.makeSucceededFuture(())
            for command in handshake {
                step = step.flatMap {
                    Self.sendFuture(command, on: channel).flatMapThrowing { reply in
                        if case .error(let message) = reply {
                            // AUTH's error names no secret; it is Redis's own text.
                            throw RedisError.server(message)
                        }
                    }
                }
            }
            return step.map { channel }.flatMapErrorThrowing { error in
                channel.close(promise: nil)
                logger.warning("Redis refused the connection's handshake", metadata: ["endpoint": "\(endpoint)"])
                throw error
            }
        }
    }
}

extension TimeAmount {
    fileprivate init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
