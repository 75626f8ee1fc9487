// What every Souk fuzz target's `main` runs: libFuzzer's driver in a fuzzing build, a replayer otherwise.
//
// Built by `scripts/fuzz` (`-sanitize=fuzzer,address -DFUZZING`), `run` hands control to libFuzzer, which calls the
// harness with each input. Built normally, the program replays the files (or folders of files) named on its command
// line through the same harness, so each committed corpus is a regression test, and `--write-seeds FOLDER` writes
// the target's seed inputs, made from real requests by Swift code, so the seeds can be made again at any time.
import Foundation

/// The harness and seeds of one fuzz target, and the `main` that runs them.
public enum FuzzMain {
    /// Runs libFuzzer (fuzzing build) or the replayer (normal build) over `harness`; never returns.
    ///
    /// - Parameters:
    ///   - seeds: the target's seed inputs by file name, written by `--write-seeds FOLDER`.
    ///   - harness: takes one input; it crashes (a failed `precondition`) when the code under test misbehaves.
    public static func run(seeds: () -> [String: [UInt8]] = { [:] }, harness: @escaping ([UInt8]) -> Void) -> Never {
        #if FUZZING
        currentHarness = harness
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
        #else
        do {
            exit(try replay(arguments: Array(CommandLine.arguments.dropFirst()), seeds: seeds, harness: harness))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(1)
        }
        #endif
    }

    /// Replays the files and folders in `arguments`, or writes the seeds for `--write-seeds FOLDER`.
    static func replay(
        arguments: [String],
        seeds: () -> [String: [UInt8]],
        harness: ([UInt8]) -> Void
    ) throws -> Int32 {
        if arguments.first == "--write-seeds" {
            guard arguments.count == 2 else {
                FileHandle.standardError.write(Data("usage: --write-seeds FOLDER\n".utf8))
                return 2
            }
            let folder = URL(fileURLWithPath: arguments[1], isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let all = seeds()
            for (name, bytes) in all.sorted(by: { $0.key < $1.key }) {
                // Every seed is also replayed, so a seed that breaks the harness never reaches the corpus.
                harness(bytes)
                try Data(bytes).write(to: folder.appendingPathComponent(name))
            }
            print("wrote \(all.count) seeds to \(folder.path)")
            return 0
        }
        var count = 0
        for argument in arguments {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder) else {
                FileHandle.standardError.write(Data("error: no such file or folder \(argument)\n".utf8))
                return 1
            }
            let files =
                isFolder.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: argument).sorted().map { "\(argument)/\($0)" }
                : [argument]
            for file in files {
                harness(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
                count += 1
            }
        }
        print("replayed \(count) inputs without a crash")
        return 0
    }
}

#if FUZZING
/// The harness libFuzzer's callback runs; set once, before the driver starts.
nonisolated(unsafe) private var currentHarness: (([UInt8]) -> Void)?

/// libFuzzer's entry point, for any part of its runtime that refers to it by name.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let harness = currentHarness else { return 0 }
    harness(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

/// libFuzzer's driver, for programs that keep their own `main` (SwiftPM renames an executable's entry point).
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
#endif
