// swift-tools-version:6.1
import PackageDescription

// No target carries unsafe flags, so other packages can depend on this one by version.
// Speed is an opt-in at build time: the bitboard code wants POPCNT, which the baseline
// x86-64 target lacks, and the C kernels are built at -O0 in debug builds unless told
// otherwise. README's commands pass `-Xswiftc -target-cpu -Xswiftc x86-64-v2 -Xcc -O2`;
// `-Xswiftc -target-cpu -Xswiftc native` tunes for the machine at hand.

let package = Package(
    name: "ChessConcepts",
    products: [
        .executable(name: "chess-concepts", targets: ["chess-concepts"]),
        /// The rules core: positions, legal moves, perft, FEN/EPD/PGN/SAN/UCI, a UCI engine driver.
        .library(name: "Chess", targets: ["Chess"]),
        /// Tensors, layers with exact gradients, optimisers, safetensors checkpoints, file formats.
        .library(name: "Neural", targets: ["Neural", "DataFiles"]),
        /// Methods on activations and gradients that know nothing of chess: probes, TCAV,
        /// TRAK, layer-wise relevance, concept search.
        .library(name: "Interpretability", targets: ["Interpretability"]),
        /// The chess concept catalogue, the Stockfish labeller and collection analysis.
        .library(name: "ChessConcepts", targets: ["Concepts", "PositionCollections"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The viewer's HTTP server; without its default traits, which pull in swift-configuration.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    ],
    targets: [
        // Rules core and file formats.
        .target(name: "Chess"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .target(name: "Digests"),
        .target(name: "DataFiles", dependencies: ["CZlib", "Digests"]),

        // The neural kit.
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .systemLibrary(name: "CMalloc"),
        .target(name: "NeuralKernels"),
        .target(name: "Neural", dependencies: ["COpenBLAS", "CMalloc", "NeuralKernels", "DataFiles"]),
        .target(name: "Interpretability", dependencies: ["Neural", "DataFiles"]),

        // Chess on top of both.
        .target(name: "ChessModel", dependencies: ["Chess", "DataFiles", "Interpretability", "Neural"]),
        .target(name: "NNUE", dependencies: ["Chess", "ChessModel", "DataFiles", "Interpretability", "Neural", "NeuralKernels"]),
        .target(name: "Concepts", dependencies: ["Chess"]),
        .target(name: "PositionCollections", dependencies: ["Chess", "Concepts", "DataFiles"]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .systemLibrary(
            name: "CPangoCairo", pkgConfig: "pangocairo",
            providers: [.apt(["libcairo2-dev", "libpango1.0-dev", "fonts-dejavu-core"]), .brew(["cairo", "pango"])]
        ),
        .target(name: "Plotting", dependencies: ["CPNG", "CPangoCairo", "DataFiles"]),
        .target(
            name: "ChessInterpretability",
            dependencies: ["Chess", "ChessModel", "Concepts", "DataFiles", "Interpretability", "NNUE", "Neural", "Plotting", "PositionCollections"]
        ),
        .target(
            name: "ChessViewer",
            dependencies: [
                "Chess", "ChessInterpretability", "ChessModel", "Concepts", "Interpretability",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            resources: [.copy("Page")]
        ),
        .target(name: "Tabular", dependencies: ["DataFiles", "Interpretability", "Neural", "Plotting"]),
        .target(name: "Images", dependencies: ["DataFiles", "Interpretability", "Neural", "Plotting"]),

        .executableTarget(
            name: "chess-concepts",
            dependencies: [
                "Chess", "ChessInterpretability", "ChessModel", "ChessViewer", "Concepts", "DataFiles", "Images", "Interpretability", "NNUE", "Neural", "Plotting",
                "PositionCollections", "Tabular",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "chess-concepts-bench",
            dependencies: [
                "Chess", "ChessInterpretability", "ChessModel", "Concepts", "DataFiles", "Interpretability", "NNUE", "Neural", "NeuralKernels", "PositionCollections",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "ChessTests", dependencies: ["Chess"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ConceptsTests", dependencies: ["Chess", "Concepts"]),
        .testTarget(
            name: "PositionCollectionsTests",
            dependencies: ["Concepts", "DataFiles", "PositionCollections"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "NeuralTests", dependencies: ["DataFiles", "Neural"]),
        .testTarget(name: "InterpretabilityTests", dependencies: ["DataFiles", "Interpretability", "Neural"]),
        .testTarget(name: "ChessModelTests", dependencies: ["Chess", "ChessModel", "DataFiles", "Interpretability", "Neural"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting"]),
        .testTarget(
            name: "ChessInterpretabilityTests",
            dependencies: ["Chess", "ChessInterpretability", "ChessModel", "DataFiles", "Interpretability", "Neural", "Plotting", "PositionCollections"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "NNUETests", dependencies: ["Chess", "ChessModel", "DataFiles", "NNUE", "Neural"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TabularTests", dependencies: ["DataFiles", "Interpretability", "Neural", "Tabular"]),
        .testTarget(name: "ImagesTests", dependencies: ["DataFiles", "Images", "Interpretability", "Neural", "Plotting"]),
        .testTarget(
            name: "CommandLineTests",
            dependencies: [
                "Chess", "chess-concepts", "ChessInterpretability", "Concepts", "DataFiles", "Plotting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)

// libFuzzer targets for every parser (scripts/fuzz builds and runs them). They exist only when
// CHESS_CONCEPTS_FUZZ=1 is set, because an entry point supplied by libFuzzer needs a flag that a
// package used by version may not carry; the script passes the sanitizers to every module.
if Context.environment["CHESS_CONCEPTS_FUZZ"] == "1" {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("fuzz-fen", ["Chess"]), ("fuzz-epd", ["Chess"]), ("fuzz-move-text", ["Chess"]), ("fuzz-pgn", ["Chess"]),
        ("fuzz-safetensors", ["Neural"]), ("fuzz-csv", ["DataFiles"]), ("fuzz-idx", ["Images"]),
        ("fuzz-json-config", ["ChessModel", "DataFiles"]), ("fuzz-nnue", ["NNUE"]),
    ]
    package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/FuzzDriver"))
    package.targets += fuzzTargets.map { target in
        .executableTarget(name: target.name, dependencies: ["FuzzDriver"] + target.dependencies, path: "Fuzz/\(target.name)",
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    }
}
