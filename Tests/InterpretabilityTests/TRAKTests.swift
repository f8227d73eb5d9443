import DataFiles
import Foundation
import Neural
import Testing
@testable import Interpretability

struct TRAKTests {
    /// Least squares on `n` noisy examples in `d` dimensions, plus one planted example far
    /// along `u` with a large residual: the training point that moves predictions along `u`.
    struct Regression {
        var x: [[Double]] = [], y: [Double] = []
        let planted: Int
        let u: [Double]

        init(n: Int, d: Int, seed: UInt64) {
            var random = SplitMix64(seed: seed)
            func gaussian() -> Double { (-2 * log(1 - random.nextUnit())).squareRoot() * cos(2 * .pi * random.nextUnit()) }
            let w = (0..<d).map { _ in gaussian() }
            for _ in 0..<n {
                let row = (0..<d).map { _ in gaussian() }
                x.append(row)
                y.append(zip(w, row).reduce(0) { $0 + $1.0 * $1.1 } + 0.1 * gaussian())
            }
            let direction = (0..<d).map { _ in gaussian() }
            let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
            u = direction.map { $0 / norm }
            planted = n / 2
            x[planted] = u.map { 4 * $0 }
            y[planted] = zip(w, x[planted]).reduce(0) { $0 + $1.0 * $1.1 } + 10
        }

        /// Least-squares weights without the examples in `excluded`.
        func fit(excluding excluded: Int? = nil) -> [Double] {
            let d = u.count
            var gram = [Double](repeating: 0, count: d * d), moment = [Double](repeating: 0, count: d)
            for (i, row) in x.enumerated() where i != excluded {
                for a in 0..<d {
                    moment[a] += row[a] * y[i]
                    for b in 0..<d { gram[a * d + b] += row[a] * row[b] }
                }
            }
            #expect(BLAS.solvePositiveDefinite(gram, n: d, &moment))
            return moment
        }

        func predict(_ w: [Double], _ z: [Double]) -> Double { zip(w, z).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    /// Scores of the regression's examples for the prediction at `u`, through a projection to `k` dimensions (nil: none).
    static func scores(_ problem: Regression, projectTo k: Int?) -> [Double] {
        let w = problem.fit()
        let d = problem.u.count, n = problem.x.count
        let residuals = (0..<n).map { Float(problem.y[$0] - problem.predict(w, problem.x[$0])) }
        var features = problem.x.flatMap { $0.map(Float.init) }, target = problem.u.map(Float.init), width = d
        if let k {
            let projection = RandomProjection(inputDimension: d, outputDimension: k, seed: 9)
            features = projection.project(features, count: n)
            target = projection.project(target)
            width = k
        }
        return TRAK(damping: 0).scores(features: features, rows: n, width: width, weights: residuals, target: target)!
    }

    /// Without projection, the score of example i is the exact leave-one-out change of the
    /// prediction times (1 − leverage): it ranks the planted example first.
    @Test func scoresAreLeaveOneOutInfluenceOnLeastSquares() {
        let problem = Regression(n: 200, d: 30, seed: 4)
        let scores = Self.scores(problem, projectTo: nil)
        #expect(scores.indices.max { scores[$0] < scores[$1] } == problem.planted)
        let full = problem.predict(problem.fit(), problem.u)
        for i in [problem.planted, 0, 17, 123] {
            let leaveOneOut = full - problem.predict(problem.fit(excluding: i), problem.u)
            // Exact for least squares: removing i changes the prediction by score / (1 − hᵢᵢ), hᵢᵢ ∈ [0, 1).
            #expect(leaveOneOut * scores[i] >= 0, "example \(i): same sign")
            #expect(abs(scores[i]) <= abs(leaveOneOut) + 1e-9, "example \(i): the Newton step never overshoots")
        }
        let plantedRemoved = full - problem.predict(problem.fit(excluding: problem.planted), problem.u)
        #expect(plantedRemoved > 5 * scores.enumerated().filter { $0.offset != problem.planted }.map { abs($0.element) }.max()!)
    }

    /// A Johnson–Lindenstrauss projection to fewer dimensions keeps the planted example on top.
    @Test func projectedScoresStillFindThePlantedExample() {
        let problem = Regression(n: 400, d: 60, seed: 8)
        let scores = Self.scores(problem, projectTo: 40)
        #expect(scores.indices.max { scores[$0] < scores[$1] } == problem.planted)
    }

    /// The projection preserves inner products in expectation and is reproducible from its seed.
    @Test func projectionPreservesInnerProducts() {
        let d = 3000, k = 1024
        let a = (0..<d).map { Float(sin(Double($0) * 0.37)) }, b = (0..<d).map { Float(cos(Double($0) * 0.11 + 1)) }
        let projection = RandomProjection(inputDimension: d, outputDimension: k, seed: 2)
        let (pa, pb) = (projection.project(a), projection.project(b))
        func dot(_ x: [Float], _ y: [Float]) -> Double { zip(x, y).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        #expect(abs(dot(pa, pa) / dot(a, a) - 1) < 0.15)
        #expect(abs(dot(pa, pb) - dot(a, b)) < 0.15 * (dot(a, a) * dot(b, b)).squareRoot())
        #expect(projection.project(a) == pa)
        #expect(RandomProjection(inputDimension: d, outputDimension: k, seed: 3).project(a) != pa)
    }
}
