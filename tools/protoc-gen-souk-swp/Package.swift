// swift-tools-version: 6.2
// protoc-gen-souk-swp: the protoc plugin that writes the SWP dispatcher's typed fast paths (one file per proto
// package) into Sources/SoukAPI/Generated. A package of its own so that building the root package never compiles
// SwiftProtobufPluginLibrary; scripts/generate builds and runs it.
import PackageDescription

let package = Package(
    name: "protoc-gen-souk-swp",
    products: [
        .executable(name: "protoc-gen-souk-swp", targets: ["protoc-gen-souk-swp"])
    ],
    dependencies: [
        // The version pinned in the root Package.swift.
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0")
    ],
    targets: [
        // The plugin: protoc's request in, Swift out.
        .executableTarget(
            name: "protoc-gen-souk-swp",
            dependencies: [
                .product(name: "SwiftProtobufPluginLibrary", package: "swift-protobuf")
            ],
            swiftSettings: [
                .swiftLanguageMode(.v6),
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        )
    ]
)
