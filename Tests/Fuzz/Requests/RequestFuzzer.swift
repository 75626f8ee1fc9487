// The protobuf decoding of every request message type a Souk service takes, under libFuzzer.
//
// The first input byte chooses the type (`requestTypes`, generated from the service stubs by
// Tests/Fuzz/generate-request-types), the second the encoding: bit 0 set decodes the rest as protobuf JSON, as the
// bridge does for a browser's body (only for the types of bridged services; the others take binary only), clear as
// binary protobuf, as every SWP and gRPC server does. A message that decodes must encode again, and decode from
// its own encoding to the same bytes; a JSON one must also survive the trip the bridge gives it (JSON in, binary
// to the service).
import SoukFuzzSupport
import SwiftProtobuf

/// One request message type and the methods that take it.
struct RequestType {
    let type: any SwiftProtobuf.Message.Type
    /// Whether a bridged service takes it, so browsers send it as JSON.
    let bridged: Bool
    /// The methods (`package.Service/Method`) whose request it is.
    let methods: [String]

    init(_ type: any SwiftProtobuf.Message.Type, bridged: Bool, methods: [String]) {
        self.type = type
        self.bridged = bridged
        self.methods = methods
    }
}

/// Decodes the input as the request type and encoding its first two bytes choose; crashes on a broken round trip.
func fuzzRequest(_ bytes: [UInt8]) {
    guard bytes.count >= 2 else { return }
    let entry = requestTypes[Int(bytes[0]) % requestTypes.count]
    let payload = Array(bytes[2...])
    if entry.bridged && bytes[1] & 1 == 1 {
        checkJSON(entry.type, payload)
    } else {
        checkBinary(entry.type, payload)
    }
}

private func deterministicBinary() -> BinaryEncodingOptions {
    var options = BinaryEncodingOptions()
    options.useDeterministicOrdering = true
    return options
}

private func deterministicJSON() -> JSONEncodingOptions {
    var options = JSONEncodingOptions()
    options.useDeterministicOrdering = true
    return options
}

/// Binary protobuf, as a server reads a request: what decodes encodes again, and to a fixed point.
private func checkBinary<M: SwiftProtobuf.Message>(_ type: M.Type, _ payload: [UInt8]) {
    guard let message = try? M(serializedBytes: payload) else { return }
    let encoded: [UInt8]
    do {
        encoded = try message.serializedBytes(options: deterministicBinary())
    } catch {
        preconditionFailure("\(M.protoMessageName): decoded from binary but does not encode: \(error)")
    }
    guard let again = try? M(serializedBytes: encoded) else {
        preconditionFailure("\(M.protoMessageName): its own binary encoding does not decode")
    }
    let reencoded: [UInt8] = (try? again.serializedBytes(options: deterministicBinary())) ?? []
    precondition(reencoded == encoded, "\(M.protoMessageName): binary encoding is not a fixed point")
}

/// Protobuf JSON, as the bridge reads a browser's body and forwards it in binary: both trips keep the message.
private func checkJSON<M: SwiftProtobuf.Message>(_ type: M.Type, _ payload: [UInt8]) {
    guard let message = try? M(jsonUTF8Bytes: payload) else { return }
    // The bridge's trip: JSON in, binary to the service, which decodes it.
    let binary: [UInt8]
    do {
        binary = try message.serializedBytes(options: deterministicBinary())
    } catch {
        preconditionFailure("\(M.protoMessageName): decoded from JSON but does not encode to binary: \(error)")
    }
    guard let served = try? M(serializedBytes: binary) else {
        preconditionFailure("\(M.protoMessageName): the binary encoding of a JSON request does not decode")
    }
    let servedBinary: [UInt8] = (try? served.serializedBytes(options: deterministicBinary())) ?? []
    precondition(servedBinary == binary, "\(M.protoMessageName): JSON -> binary -> binary changed the message")
    // JSON to JSON: what decodes from JSON encodes to JSON again, to a fixed point.
    let json: [UInt8]
    do {
        json = try message.jsonUTF8Bytes(options: deterministicJSON())
    } catch {
        preconditionFailure("\(M.protoMessageName): decoded from JSON but does not encode to JSON: \(error)")
    }
    guard let again = try? M(jsonUTF8Bytes: json) else {
        preconditionFailure(
            "\(M.protoMessageName): its own JSON encoding does not decode: \(String(decoding: json, as: UTF8.self))"
        )
    }
    let rejson: [UInt8] = (try? again.jsonUTF8Bytes(options: deterministicJSON())) ?? []
    precondition(rejson == json, "\(M.protoMessageName): JSON encoding is not a fixed point")
}

/// Seeds: for every request type, the empty message and one with every field set, in binary and (bridged) JSON.
func requestSeeds() -> [String: [UInt8]] {
    var seeds: [String: [UInt8]] = [:]
    for (index, entry) in requestTypes.enumerated() {
        let name = entry.type.protoMessageName
        let message = populated(entry.type)
        seeds["\(name).empty.bin"] = [UInt8(index), 0]
        seeds["\(name).bin"] =
            [UInt8(index), 0] + ((try? message.serializedBytes(options: deterministicBinary())) ?? [])
        if entry.bridged {
            seeds["\(name).empty.json"] = [UInt8(index), 1] + Array("{}".utf8)
            seeds["\(name).json"] =
                [UInt8(index), 1] + ((try? message.jsonUTF8Bytes(options: deterministicJSON())) ?? [])
        }
    }
    return seeds
}

private func populated<M: SwiftProtobuf.Message>(_ type: M.Type) -> any SwiftProtobuf.Message {
    SampleMessage.populated(type)
}

@main
struct RequestFuzzer {
    static func main() {
        precondition(requestTypes.count <= 256, "the first byte no longer chooses every request type")
        FuzzMain.run(seeds: requestSeeds, harness: fuzzRequest)
    }
}
