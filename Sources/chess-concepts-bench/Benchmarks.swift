import ArgumentParser
import Neural

@main
struct Benchmarks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chess-concepts-bench",
        abstract: "Release-build benchmarks, each reported as a ratio to a reference measured in the same run.",
        subcommands: [PerftBenchmark.self, PGNBenchmark.self, ConceptBenchmark.self, TrainingBenchmark.self, ProbeBenchmark.self, MaximiseBenchmark.self, NNUEBenchmark.self])

    /// Restarts under OpenBLAS kernels that suit this processor when OpenBLAS fell back to generic ones.
    static func main() {
        BLAS.restartWithRecommendedCore()
        main(nil)
    }
}
