import Foundation

/// The services and methods declared in `Protos/`, read from the .proto files themselves, so a service added later
/// is walked without touching the tests that use this.
package enum DeclaredServices {
    /// `package.Service` → its methods as `package.Service/Method`.
    package static func walk() throws -> [String: Set<String>] {
        let protos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Protos")
            .standardized
        var services: [String: Set<String>] = [:]
        let files = FileManager.default.enumerator(at: protos, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "proto" else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            var package = ""
            var service = ""
            for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if line.hasPrefix("package ") {
                    package = String(line.dropFirst(8).prefix { $0 != ";" })
                } else if line.hasPrefix("service ") {
                    service = String(line.dropFirst(8).prefix { $0 != " " && $0 != "{" })
                    services["\(package).\(service)", default: []].formUnion([])
                } else if line.hasPrefix("rpc "), !service.isEmpty {
                    let name = line.dropFirst(4).prefix { $0 != "(" && $0 != " " }
                    services["\(package).\(service)", default: []].insert("\(package).\(service)/\(name)")
                }
            }
        }
        return services
    }

    /// Every `package.Service/Method` declared.
    package static func methods() throws -> Set<String> {
        try Self.walk().values.reduce(into: []) { $0.formUnion($1) }
    }
}
