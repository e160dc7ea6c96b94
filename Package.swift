// swift-tools-version: 6.2
import PackageDescription

/// Our own code in Swift 6 mode, with the upcoming checks the models we follow
/// turn on: `any` spelled out, and a member usable only where its module is imported.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The five services, each the same three targets: its library (Domain, Store,
/// RPC, Migrations), its executable `nomad-<name>`, and its tests.
let services = ["Identity", "Jobs", "Assets", "Events", "Analytics"]

func serviceTargets(_ name: String) -> [Target] {
    [
        .target(
            name: name,
            dependencies: [
                "NomadKit", "NomadProtos",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Services/\(name)/Library",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "\(name)Server",
            dependencies: [.target(name: name), "NomadKit"],
            path: "Services/\(name)/Server",
            swiftSettings: strict
        ),
        .testTarget(
            name: "\(name)Tests",
            dependencies: [
                .target(name: name), "NomadKit", "NomadTesting", "NomadLocal",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            path: "Tests/\(name)Tests",
            swiftSettings: strict
        ),
    ]
}

let package = Package(
    name: "NomadZone",
    platforms: [.macOS(.v15)],
    products: (services.map { .executable(name: "nomad-\($0.lowercased())", targets: ["\($0)Server"]) }) + [
        .executable(name: "nomadctl", targets: ["Ctl"]),
        .executable(name: "nomad-portal", targets: ["PortalServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-service-context.git", from: "1.5.1"),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context.git", from: "1.0.0"),
        // OTLP over gRPC only: the HTTP exporter would pull async-http-client.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPGRPC"]),
    ],
    targets: services.flatMap(serviceTargets) + [
        .target(
            name: "NomadProtos",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Shared/NomadProtos",
            swiftSettings: strict
        ),
        .target(
            name: "NomadKit",
            dependencies: [
                "NomadProtos",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "OTel", package: "swift-otel"),
            ],
            path: "Shared/NomadKit",
            swiftSettings: strict
        ),
        // What only nomadctl and the tests use (a local PostgreSQL, child
        // processes, free loopback ports): the servers do not link it.
        .target(
            name: "NomadLocal",
            dependencies: ["NomadKit"],
            path: "Shared/NomadLocal",
            swiftSettings: strict
        ),
        // A person's way through identity as a client drives it: the demo seed
        // and the suite tests share it.
        .target(
            name: "NomadScenario",
            dependencies: [
                "NomadKit", "NomadProtos",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            path: "Shared/NomadScenario",
            swiftSettings: strict
        ),
        .target(
            name: "NomadTesting",
            dependencies: [
                "NomadKit", "NomadLocal", "NomadProtos", "NomadScenario",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Shared/NomadTesting",
            swiftSettings: strict
        ),
        .systemLibrary(
            name: "CQRencode",
            path: "Services/Portal/CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .target(
            name: "Portal",
            dependencies: [
                "NomadKit", "NomadProtos", "CQRencode",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Services/Portal/Library",
            resources: [.copy("Resources/templates"), .copy("Resources/i18n"), .copy("Resources/static")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "PortalServer",
            dependencies: ["Portal", "NomadKit"],
            path: "Services/Portal/Server",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "Ctl",
            dependencies: [
                "NomadKit", "NomadLocal", "NomadProtos", "NomadScenario",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Services/Ctl",
            swiftSettings: strict
        ),
        .testTarget(
            name: "NomadKitTests",
            dependencies: [
                "NomadKit", "NomadProtos", "NomadTesting", "NomadLocal",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/NomadKitTests",
            swiftSettings: strict
        ),
        // The event contract: what producers encode against what analytics reads.
        .testTarget(
            name: "EventContractTests",
            dependencies: ["Identity", "Jobs", "Assets", "Events", "Analytics", "NomadKit"],
            path: "Tests/EventContractTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "PortalTests",
            dependencies: [
                "Portal", "NomadKit", "NomadProtos",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/PortalTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "SuiteTests",
            dependencies: [
                "NomadKit", "NomadProtos", "NomadTesting", "NomadLocal",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            path: "Tests/SuiteTests",
            swiftSettings: strict
        ),
    ]
)
