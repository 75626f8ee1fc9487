import ArgumentParser
import Foundation
import GRPCCore
import SoukAPI
import SoukCtlKit

extension Products {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import products from a CSV or JSON-lines file, streamed in 64 KiB chunks.",
            discussion: """
                Columns (CSV header) or fields (JSON lines): category (a slug), title, description, sku, price \
                (1499.00), currency, and optional attributes (a JSON object), image_url, stock (units in MSK-1), \
                weight_grams, length_mm, width_mm, height_mm (the SKU's package; whole numbers, 0 or empty: not said). \
                Good rows are committed; each rejected row is listed with its line and field, and the exit status is \
                then 65. A progress bar is drawn on standard error when it is a terminal.
                """
        )

        /// Bytes per message: big enough to keep the stream busy, small enough for flow control.
        static let chunkBytes = 64 * 1024

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The file to import.") var file: String
        @Option(help: "csv or jsonl (default: from the file's extension).") var format: String?
        @Flag(help: "Publish each imported product at once.") var publish = false

        func validate() throws { _ = try self.importFormat() }

        func importFormat() throws -> Souk_Catalog_V1_ImportFormat {
            let name = (self.format ?? URL(fileURLWithPath: self.file).pathExtension).lowercased()
            switch name {
            case "csv": return .csv
            case "jsonl", "ndjson", "json-lines": return .jsonLines
            default:
                throw ValidationError("--format: give csv or jsonl (the file's extension does not say)")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let format = try self.importFormat()
                guard let handle = FileHandle(forReadingAtPath: self.file),
                    let size = (try? FileManager.default.attributesOfItem(atPath: self.file))?[.size] as? Int64
                else {
                    throw CtlError(.usage, "cannot read \(self.file)", hint: "check the path and its permissions")
                }
                defer { try? handle.close() }
                let publish = self.publish
                let showProgress = Terminal.isTTY(2)
                let width = Terminal.width
                let response = try await session.authenticated { api in
                    var options = api.options
                    options.timeout = .seconds(600)
                    let producer: @Sendable (RPCWriter<Souk_Catalog_V1_ImportProductsRequest>) async throws -> Void = {
                        writer in
                        var sent: Int64 = 0
                        var first = true
                        while true {
                            let chunk = try handle.read(upToCount: Self.chunkBytes) ?? Data()
                            if chunk.isEmpty && !first { break }
                            var message = Souk_Catalog_V1_ImportProductsRequest()
                            if first {
                                message.format = format
                                message.publish = publish
                            }
                            message.chunk = chunk
                            try await writer.write(message)
                            first = false
                            sent += Int64(chunk.count)
                            if showProgress {
                                let bar = ProgressBar.render(done: sent, total: size, width: width)
                                FileHandle.standardError.write(Data(("\r" + bar).utf8))
                            }
                            // An empty file still sends its format, so the server reports zero rows.
                            if chunk.isEmpty { break }
                        }
                        if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
                    }
                    return try await api.catalog.importProducts(options: options, requestProducer: producer)
                }
                try Self.report(response, global: self.global)
            }
        }

        static func report(_ response: Souk_Catalog_V1_ImportProductsResponse, global: GlobalOptions) throws {
            if global.isJSON {
                try Printer.json(response)
            } else {
                Printer.line(
                    "rows: \(response.rows), imported: \(response.imported), rejected: \(response.errors.count)"
                )
                if !response.errors.isEmpty {
                    Printer.table(
                        ["LINE", "FIELD", "MESSAGE"],
                        response.errors.map { ["\($0.line)", $0.field, $0.message] }
                    )
                }
            }
            guard response.errors.isEmpty else {
                throw CtlError(
                    .refused,
                    "\(response.errors.count) of \(response.rows) rows were rejected",
                    hint: "fix those lines and import them again (the other rows are saved)"
                )
            }
        }
    }
}
