package import Logging
package import PostgresNIO

extension PostgresConnection {
    /// Runs `query` like `query(_:logger:file:line:)`, but fails at once on a connection the server has closed,
    /// where PostgresNIO's own call would wait for ever.
    ///
    /// PostgresNIO 1.33.2 hands a query to its channel without a write promise. Once the server has closed the
    /// connection (a fast shutdown or `pg_terminate_backend`), NIO takes the channel's handlers away, a query written
    /// after that is dropped, and its answer never comes: the caller waits for ever, cancellation cannot end the
    /// wait, and a pooled connection stays leased. The statements of a transaction the server ended are exactly
    /// such writes, its ROLLBACK among them.
    ///
    /// This refuses a closed connection before writing, which covers those cases: they come after the close has
    /// been seen. A write racing the close itself (the check passes, the handlers go before the write arrives) is
    /// still possible within one event-loop turn. Running the check and the write as one task on the event loop
    /// closed that window too, but hung calls after a database stall (a task-executor hop onto the loop; see the
    /// issue's note), so it is not done.
    ///
    /// - Throws: ``StorageError`` `connectionClosed` for a closed connection; whatever the query throws otherwise.
    @discardableResult
    package func guardedQuery(
        _ query: PostgresQuery,
        logger: Logger,
        file: String = #fileID,
        line: Int = #line
    ) async throws -> PostgresRowSequence {
        guard !self.isClosed else { throw StorageError.connectionClosed() }
        return try await self.query(query, logger: logger, file: file, line: line)
    }

    /// Runs a prepared statement like `execute(_:logger:file:line:)`, preparing it on this connection the first time,
    /// with the same guard as ``guardedQuery(_:logger:file:line:)``, and reads every row.
    ///
    /// PostgresNIO 1.33.2 writes a prepared statement to its channel without a write promise too, so on a connection
    /// the server has closed its answer never comes; this refuses a closed connection first.
    ///
    /// PostgresNIO also remembers a failed preparation for the connection's life: every later execution of that
    /// statement on it fails with the same error, without asking the server. Since a failure here cannot be told
    /// apart from one of the preparation, any failure other than an integrity violation (SQLSTATE class 23, such as
    /// a unique key taken) or a transaction rollback (class 40: serialization failure, deadlock) closes the
    /// connection, so the pool replaces it instead of keeping one that would refuse the statement for ever.
    ///
    /// - Throws: ``StorageError`` `connectionClosed` for a closed connection; whatever the statement throws
    ///   otherwise.
    package func guardedExecute<Statement: PostgresPreparedStatement>(
        _ statement: Statement,
        logger: Logger,
        file: String = #fileID,
        line: Int = #line
    ) async throws -> [Statement.Row] {
        guard !self.isClosed else { throw StorageError.connectionClosed() }
        do {
            var rows: [Statement.Row] = []
            for try await row in try await self.execute(statement, logger: logger, file: file, line: line) {
                rows.append(row)
            }
            return rows
        } catch {
            let state = SQLState(of: error)?.rawValue ?? ""
            if !state.hasPrefix("23"), !state.hasPrefix("40"), !self.isClosed {
                logger.debug(
                    "a prepared statement failed; its connection is closed",
                    metadata: ["statement": "\(Statement.name)", "sqlstate": "\(state)"]
                )
                try? await self.close()
            }
            throw error
        }
    }
}

extension PostgresClient {
    /// Runs `query` on a pooled connection through
    /// ``PostgresNIO/PostgresConnection/guardedQuery(_:logger:file:line:)`` and reads every row before the
    /// connection goes back to the pool.
    ///
    /// PostgresNIO's own `PostgresClient.query` can lease a connection that is closing (the pool learns of the close
    /// one event-loop turn later) and then wait for ever on it, as `guardedQuery` explains. Use it for queries whose
    /// answers are bounded (a page, a lookup); stream a large answer inside `withConnection` instead.
    @discardableResult
    package func guardedQuery(
        _ query: PostgresQuery,
        logger: Logger,
        file: String = #fileID,
        line: Int = #line
    ) async throws -> CollectedRows {
        try await self.withConnection { connection in
            let rows = try await connection.guardedQuery(query, logger: logger, file: file, line: line)
            return CollectedRows(try await rows.collect())
        }
    }

    /// Runs `body` in a transaction on one pooled connection, with every statement of its own sent through
    /// ``PostgresNIO/PostgresConnection/guardedQuery(_:logger:file:line:)``.
    ///
    /// Unlike PostgresNIO's `withTransaction`, an error `body` throws comes out as itself (not wrapped), and a
    /// transaction the server ended fails instead of waiting for ever on its ROLLBACK. `body` must send its
    /// statements with `guardedQuery` too. A connection whose ROLLBACK fails is closed rather than handed back to
    /// the pool in the middle of a transaction.
    package func withGuardedTransaction<Result>(
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await self.withConnection { connection in
            try await connection.guardedQuery("BEGIN", logger: logger)
            let value: Result
            do {
                value = try await body(connection)
            } catch {
                do {
                    try await connection.guardedQuery("ROLLBACK", logger: logger)
                } catch let rollbackError {
                    logger.debug(
                        "a transaction's ROLLBACK failed; its connection is closed",
                        metadata: ["error": "\(String(reflecting: rollbackError))"]
                    )
                    if !connection.isClosed { try? await connection.close() }
                }
                throw error
            }
            try await connection.guardedQuery("COMMIT", logger: logger)
            return value
        }
    }
}
