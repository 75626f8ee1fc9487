import SwiftProtobuf
import SwiftProtobufPluginLibrary

/// The plugin: for each proto package with services, one `<package>.swp.swift` holding every service's
/// `swpBinding`: per method its descriptor, codecs and a call into the service's generated
/// `StreamingServiceProtocol` method. With the parameter `Index`, it instead writes one `SWPServiceBindings.swift`
/// listing the bindings of every service in the files given.
///
/// Parameters (`--souk-swp_opt=`): `Index` (write the index instead), `WireModule=NAME` (default `SoukWire`).
@main
final class GenerateSWP: CodeGenerator {
    init() {}

    var version: String? { "1.0.0" }
    var projectURL: String? { "https://github.com/souk/souk (tools/protoc-gen-souk-swp)" }
    var supportedFeatures: [Google_Protobuf_Compiler_CodeGeneratorResponse.Feature] {
        [.proto3Optional, .supportsEditions]
    }
    var supportedEditionRange: ClosedRange<Google_Protobuf_Edition> {
        Google_Protobuf_Edition.proto2...Google_Protobuf_Edition.edition2024
    }

    func generate(
        files: [FileDescriptor],
        parameter: any CodeGeneratorParameter,
        protoCompilerContext: any ProtoCompilerContext,
        generatorOutputs: any GeneratorOutputs
    ) throws {
        var wireModule = "SoukWire"
        var writesIndex = false
        for (key, value) in parameter.parsedPairs {
            switch key {
            case "Index": writesIndex = true
            case "WireModule": wireModule = value
            default: throw GenerationError(message: "protoc-gen-souk-swp: unknown parameter '\(key)'")
            }
        }
        let mappings = ProtoFileToModuleMappings()
        if writesIndex {
            let services = files.flatMap { file in
                let namer = SwiftProtobufNamer(currentFile: file, protoFileToModuleMappings: mappings)
                return file.services.map { namer.typePrefix(forFile: file) + $0.name }
            }
            try generatorOutputs.add(
                fileName: "SWPServiceBindings.swift",
                contents: BindingWriter.index(services: services.sorted(), wireModule: wireModule)
            )
            return
        }
        // protoc hands over the files of one package per run (scripts/generate); group anyway.
        var packages: [String: [FileDescriptor]] = [:]
        for file in files where !file.services.isEmpty {
            packages[file.package, default: []].append(file)
        }
        for (package, files) in packages.sorted(by: { $0.key < $1.key }) {
            let writer = BindingWriter(wireModule: wireModule, mappings: mappings)
            try generatorOutputs.add(
                fileName: "\(package).swp.swift",
                contents: writer.file(package: package, files: files.sorted { $0.name < $1.name })
            )
        }
    }
}

/// A failure the plugin reports to protoc.
struct GenerationError: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}
