import GRPCCore
import SoukCtlKit
import Testing

@Suite("Exit statuses from call failures")
struct CtlErrorTests {
    @Test(
        "each status code maps to its exit status",
        arguments: [
            (RPCError.Code.invalidArgument, Int32(65)), (.notFound, 65), (.alreadyExists, 65),
            (.failedPrecondition, 65),
            (.outOfRange, 65), (.unavailable, 69), (.deadlineExceeded, 69), (.unauthenticated, 77),
            (.permissionDenied, 77), (.internalError, 70), (.unknown, 70), (.dataLoss, 70), (.unimplemented, 70),
        ]
    )
    func mapping(code: RPCError.Code, status: Int32) {
        let error = CtlError(rpcError: RPCError(code: code, message: "x"), endpoint: "127.0.0.1:7700")
        #expect(error.code.exitStatus == status)
    }

    @Test("the line says what happened and what to do")
    func line() {
        let refused = CtlError(
            rpcError: RPCError(code: .unavailable, message: "cannot connect: Connection refused (errno: 111)"),
            endpoint: "127.0.0.1:7700"
        )
        #expect(refused.line.hasPrefix("soukctl: cannot reach 127.0.0.1:7700 (connection refused); check that soukd"))
        let pcr = CtlError(
            rpcError: RPCError(code: .permissionDenied, message: "change the one-time password first (ChangePassword)"),
            endpoint: ""
        )
        #expect(pcr.line.contains("soukctl password change"))
        #expect(CtlError.loginExpired.line == "soukctl: your login has expired; run `soukctl login`")
        #expect(CtlError.loginExpired.code.exitStatus == 77)
        #expect(CtlError(.usage, "x").code.exitStatus == 64)
        #expect(!refused.line.contains("\n"))
    }
}
