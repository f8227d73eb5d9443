// swift-tools-version:6.1
import PackageDescription

// Bitboard code leans on POPCNT, which the baseline x86-64 target lacks (the
// compiler then emits a slow software population count). Nehalem (2008) is the
// oldest x86-64 generation with POPCNT and SSE4.2, so binaries stay portable.
// For full speed on your own machine add `-Xswiftc -target-cpu -Xswiftc native`.
#if arch(x86_64)
let cpuSettings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "nehalem"])]
#else
let cpuSettings: [SwiftSetting] = []
#endif

let package = Package(
    name: "ChessConcepts",
    products: [
        .executable(name: "chess-concepts", targets: ["chess-concepts"]),
        .library(name: "Chess", targets: ["Chess"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "Chess", swiftSettings: cpuSettings),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .target(name: "DataFiles", dependencies: ["CZlib"], swiftSettings: cpuSettings),
        .target(name: "UCI", swiftSettings: cpuSettings),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .systemLibrary(name: "CMalloc"),
        // Optimised in debug builds too: the tests train real networks through these kernels.
        .target(name: "NeuralKernels", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "Neural", dependencies: ["COpenBLAS", "CMalloc", "NeuralKernels", "DataFiles"], swiftSettings: cpuSettings),
        .target(name: "ChessModel", dependencies: ["Chess", "Neural", "DataFiles"], swiftSettings: cpuSettings),
        .target(name: "Probing", dependencies: ["Neural", "DataFiles"], swiftSettings: cpuSettings),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .target(name: "Plotting", dependencies: ["CPNG", "DataFiles"], swiftSettings: cpuSettings),
        .target(name: "Concepts", dependencies: ["Chess", "UCI"], swiftSettings: cpuSettings),
        .target(name: "PositionCollections", dependencies: ["Chess", "Concepts", "DataFiles"], swiftSettings: cpuSettings),
        .target(
            name: "ProbeTracker",
            dependencies: ["Chess", "Concepts", "DataFiles", "PositionCollections", "ChessModel", "Neural", "Probing", "Plotting"],
            swiftSettings: cpuSettings
        ),
        .executableTarget(
            name: "chess-concepts",
            dependencies: [
                "Chess", "Concepts", "DataFiles", "PositionCollections", "ChessModel", "ProbeTracker", "ConceptSearch", "ConceptMaximiser", "Probing", "Neural", "BoardPictures", "Plotting", "Tabular", "Images", "Report", "Explanations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: cpuSettings
        ),
        .executableTarget(
            name: "chess-concepts-bench",
            dependencies: [
                "Chess", "UCI", "DataFiles", "Concepts", "PositionCollections", "Neural", "ChessModel", "Probing", "ConceptSearch", "ConceptMaximiser", "ProbeTracker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: cpuSettings
        ),
        .testTarget(
            name: "ChessTests",
            dependencies: ["Chess"],
            resources: [.copy("Fixtures")],
            swiftSettings: cpuSettings
        ),
        .testTarget(
            name: "ConceptsTests",
            dependencies: ["Concepts", "Chess", "UCI"],
            swiftSettings: cpuSettings
        ),
        .testTarget(
            name: "PositionCollectionsTests",
            dependencies: ["PositionCollections", "Concepts", "DataFiles"],
            resources: [.copy("Fixtures")],
            swiftSettings: cpuSettings
        ),
        .testTarget(
            name: "NeuralTests",
            dependencies: ["Neural", "DataFiles"],
            swiftSettings: cpuSettings
        ),
        .testTarget(
            name: "ChessModelTests",
            dependencies: ["ChessModel", "Chess", "Neural", "DataFiles"],
            swiftSettings: cpuSettings
        ),
        .testTarget(
            name: "ProbingTests",
            dependencies: ["Probing", "Neural", "DataFiles"],
            swiftSettings: cpuSettings
        ),
        .testTarget(
            name: "PlottingTests",
            dependencies: ["Plotting"],
            swiftSettings: cpuSettings
        ),
        .target(name: "BoardPictures", dependencies: ["Chess", "Plotting"], swiftSettings: cpuSettings),
        .target(
            name: "ConceptSearch",
            dependencies: ["Chess", "ChessModel", "Neural", "Probing", "DataFiles"],
            swiftSettings: cpuSettings
        ),
        .target(name: "Tabular", dependencies: ["DataFiles", "Neural", "Plotting", "Probing"], swiftSettings: cpuSettings),
        .target(name: "Images", dependencies: ["DataFiles", "Neural", "Plotting", "Probing"], swiftSettings: cpuSettings),
        .target(name: "Report", dependencies: ["DataFiles", "ProbeTracker"], swiftSettings: cpuSettings),
        .target(
            name: "Explanations",
            dependencies: ["BoardPictures", "Chess", "ChessModel", "Concepts", "DataFiles", "Neural", "Plotting", "PositionCollections", "Probing", "ProbeTracker"],
            swiftSettings: cpuSettings
        ),
        .target(
            name: "ConceptMaximiser",
            dependencies: ["BoardPictures", "Chess", "ChessModel", "Concepts", "ConceptSearch", "DataFiles", "PositionCollections", "Probing", "ProbeTracker"],
            swiftSettings: cpuSettings
        ),
        .testTarget(
            name: "ConceptSearchTests",
            dependencies: ["ConceptSearch", "Chess", "ChessModel", "Neural", "Probing", "DataFiles"],
            swiftSettings: cpuSettings
        ),
        .testTarget(
            name: "ProbeTrackerTests",
            dependencies: ["ProbeTracker", "Chess", "ChessModel", "DataFiles", "Neural", "Plotting", "Probing", "PositionCollections"],
            resources: [.copy("Fixtures")],
            swiftSettings: cpuSettings
        ),
        .testTarget(name: "TabularTests", dependencies: ["Tabular", "DataFiles", "Probing"], swiftSettings: cpuSettings),
        .testTarget(name: "ImagesTests", dependencies: ["Images", "DataFiles", "Neural", "Plotting", "Probing"], swiftSettings: cpuSettings),
        .testTarget(name: "ReportTests", dependencies: ["Report", "DataFiles", "Plotting", "ProbeTracker"], swiftSettings: cpuSettings),
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["chess-concepts", "DataFiles"],
            swiftSettings: cpuSettings
        ),
    ]
)
