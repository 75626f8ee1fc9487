import ArgumentParser
import GRPCCore
import SoukCtlKit

/// Runs a command's body; a failure becomes one line on standard error (`soukctl: what; what to do`) and the
/// exit status of its kind (see ``CtlError/Code``).
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as CtlError {
        Printer.note(error.line)
        throw ExitCode(error.code.exitStatus)
    } catch let error as RPCError {
        let converted = CtlError(rpcError: error, endpoint: "the server")
        Printer.note(converted.line)
        throw ExitCode(converted.code.exitStatus)
    } catch let error as ExitCode {
        throw error
    } catch is CancellationError {
        throw ExitCode(130)
    } catch {
        Printer.note("soukctl: \(error); this is a bug in soukctl, please report it")
        throw ExitCode(CtlError.Code.internal.exitStatus)
    }
}

/// Runs a `validate()` check; a ``CtlError`` becomes ArgumentParser's usage error (exit status 64).
func validating(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as CtlError {
        throw ValidationError(error.hint.isEmpty ? error.message : "\(error.message); \(error.hint)")
    }
}
