import Foundation
package import GRPCCore
package import Hummingbird
import NIOCore

/// A Connect protocol error: the JSON body `{"code":"not_found","message":"…"}` and its HTTP status.
///
/// The status follows the Connect specification's code table (canceled 499, invalid_argument 400, …). A few
/// refusals made before any method is found use the HTTP status the specification names instead (unknown
/// procedure 404, wrong content type 415, wrong verb 405), keeping a Connect code in the body for clients.
package struct ConnectError: Error, Sendable, Hashable {
    /// A Connect error code: its wire name and the HTTP status the specification maps it to.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The snake_case name sent in the body, e.g. `invalid_argument`.
        package let name: String
        /// The HTTP status for this code.
        package let httpStatus: Int

        private init(_ name: String, _ httpStatus: Int) {
            self.name = name
            self.httpStatus = httpStatus
        }

        package var description: String { self.name }

        /// The call was cancelled (HTTP 499).
        package static let canceled = Code("canceled", 499)
        /// An unknown error (HTTP 500).
        package static let unknown = Code("unknown", 500)
        /// The request is malformed (HTTP 400).
        package static let invalidArgument = Code("invalid_argument", 400)
        /// The deadline passed (HTTP 504).
        package static let deadlineExceeded = Code("deadline_exceeded", 504)
        /// Not found (HTTP 404).
        package static let notFound = Code("not_found", 404)
        /// Already exists (HTTP 409).
        package static let alreadyExists = Code("already_exists", 409)
        /// Not allowed for this caller (HTTP 403).
        package static let permissionDenied = Code("permission_denied", 403)
        /// A limit was hit (HTTP 429).
        package static let resourceExhausted = Code("resource_exhausted", 429)
        /// The system is not in the required state (HTTP 400).
        package static let failedPrecondition = Code("failed_precondition", 400)
        /// Aborted, e.g. a concurrency conflict (HTTP 409).
        package static let aborted = Code("aborted", 409)
        /// Out of range (HTTP 400).
        package static let outOfRange = Code("out_of_range", 400)
        /// Not implemented (HTTP 501).
        package static let unimplemented = Code("unimplemented", 501)
        /// An internal error (HTTP 500).
        package static let `internal` = Code("internal", 500)
        /// The service is unavailable (HTTP 503).
        package static let unavailable = Code("unavailable", 503)
        /// Data loss (HTTP 500).
        package static let dataLoss = Code("data_loss", 500)
        /// The caller is not authenticated (HTTP 401).
        package static let unauthenticated = Code("unauthenticated", 401)

        /// The Connect code for a gRPC status code.
        package init(_ code: RPCError.Code) {
            switch code {
            case .cancelled: self = .canceled
            case .invalidArgument: self = .invalidArgument
            case .deadlineExceeded: self = .deadlineExceeded
            case .notFound: self = .notFound
            case .alreadyExists: self = .alreadyExists
            case .permissionDenied: self = .permissionDenied
            case .resourceExhausted: self = .resourceExhausted
            case .failedPrecondition: self = .failedPrecondition
            case .aborted: self = .aborted
            case .outOfRange: self = .outOfRange
            case .unimplemented: self = .unimplemented
            case .internalError: self = .internal
            case .unavailable: self = .unavailable
            case .dataLoss: self = .dataLoss
            case .unauthenticated: self = .unauthenticated
            default: self = .unknown
            }
        }
    }

    /// The Connect code.
    package var code: Code
    /// A message safe to show clients.
    package var message: String
    /// The HTTP status, normally `code.httpStatus`.
    package var httpStatus: Int

    /// Creates an error; `httpStatus` overrides the code's status (415, 405, 404 for an unknown procedure).
    package init(_ code: Code, _ message: String, httpStatus: Int? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus ?? code.httpStatus
    }

    /// The Connect error for a failed upstream call; its message was written by the service for clients.
    package init(_ error: RPCError) {
        self.init(Code(error.code), error.message)
    }

    /// The error as a Connect unary error response (always JSON, whatever the request's codec).
    package func response(extraHeaders: HTTPFields = [:]) -> Response {
        var headers = extraHeaders
        headers[.contentType] = "application/json"
        let body = (try? JSONEncoder().encode(Body(code: self.code.name, message: self.message))) ?? Data()
        return Response(
            status: HTTPResponse.Status(code: self.httpStatus),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    private struct Body: Encodable {
        let code: String
        let message: String
    }
}
