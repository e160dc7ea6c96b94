// swift-tools-version: 6.2
// Builds the two protoc plugins at exactly the versions the suite pins, so a
// regeneration anywhere produces the same code. Used by scripts/generate-protos.sh.
import PackageDescription

let package = Package(
    name: "ProtocPlugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
    ],
    targets: []
)
