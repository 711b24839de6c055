// swift-tools-version:6.1
import PackageDescription

// Targets are split by dependency weight: the policy engine needs the standard library only, so
// a service that embeds it pays for nothing else; the wire layer adds swift-crypto, the
// directory adds GRDB, and only the server target imports Hummingbird.
let strictSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "portcullis",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "PolicyEngine", targets: ["PolicyEngine"]),
    .executable(name: "portcullis", targets: ["portcullis"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
    .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
  ],
  targets: [
    .target(
      name: "PolicyEngine",
      swiftSettings: strictSettings
    ),
    .target(
      name: "AWSWire",
      dependencies: [.product(name: "Crypto", package: "swift-crypto")],
      resources: [
        .copy("Resources/iam-model.json"), .copy("Resources/sts-model.json"),
        .copy("Resources/organizations-model.json"),
        .copy("Resources/cloudtrail-model.json"),
      ],
      swiftSettings: strictSettings
    ),
    .target(
      name: "Directory",
      dependencies: [
        "PolicyEngine",
        "AWSWire",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
        .product(name: "HashTreeCollections", package: "swift-collections"),
      ],
      resources: [.copy("Resources/aws-managed-policies.json")],
      swiftSettings: strictSettings
    ),
    .target(
      name: "Services",
      dependencies: [
        "PolicyEngine", "AWSWire", "Audit", "Directory",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
        .product(name: "HashTreeCollections", package: "swift-collections"),
        // Server and signing certificates are parsed with it (`Services/Crypto`).
        .product(name: "X509", package: "swift-certificates"),
        .product(name: "SwiftASN1", package: "swift-asn1"),
      ],
      swiftSettings: strictSettings
    ),
    .target(
      name: "Audit",
      dependencies: [
        "PolicyEngine", "AWSWire",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: strictSettings
    ),
    .target(
      name: "Server",
      dependencies: [
        "Audit", "Services", "Directory", "AWSWire", "PolicyEngine",
        // Access Analyzer's ValidatePolicy runs the analyzer's policy linter.
        "Analyzer",
        .product(name: "HashTreeCollections", package: "swift-collections"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ],
      swiftSettings: strictSettings
    ),
    .target(
      name: "Analyzer",
      dependencies: [
        "PolicyEngine", "Directory",
        .product(name: "HashTreeCollections", package: "swift-collections"),
      ],
      resources: [.copy("Resources/service-reference.json")],
      swiftSettings: strictSettings
    ),
    .executableTarget(
      name: "portcullis",
      dependencies: [
        "Analyzer",
        "Audit",
        "PolicyEngine",
        "Server",
        "Services",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "PolicyEngineTests",
      dependencies: [
        "PolicyEngine",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      resources: [.copy("Conformance"), .copy("Validation")],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "AuditTests",
      dependencies: ["Audit", "AWSWire", "PolicyEngine"],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "AnalyzerTests",
      dependencies: [
        "Analyzer", "PolicyEngine", "Directory",
        .product(name: "HashTreeCollections", package: "swift-collections"),
      ],
      resources: [.copy("Fixtures")],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "PortcullisTests",
      dependencies: [
        "AWSWire", "Directory", "Services", "Server",
        .product(name: "HummingbirdTesting", package: "hummingbird"),
      ],
      resources: [.copy("Fixtures")],
      swiftSettings: strictSettings
    ),
  ]
)
