// swift-tools-version: 6.2
// An example of a program outside Souk that depends on its public client library by path and shops:
// sign in, search, fill the cart, place an order. See README.md.
import PackageDescription

let package = Package(
    name: "shop-client",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "souk", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "shop-client",
            dependencies: [
                .product(name: "SoukClient", package: "souk")
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
