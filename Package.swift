// swift-tools-version:6.1
import PackageDescription

// Targets are split by dependency weight: the policy engine needs Foundation only, so a service
// that embeds it pays for nothing else. The server, storage and wire layers arrive as their own
// targets in later issues.
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
  ],
  targets: [
    .target(
      name: "PolicyEngine",
      swiftSettings: strictSettings
    ),
    .executableTarget(
      name: "portcullis",
      dependencies: [
        "PolicyEngine",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
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
  ]
)
