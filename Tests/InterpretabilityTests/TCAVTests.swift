import DataFiles
import Foundation
import Neural
import Interpretability
import Testing

struct TCAVTests {
    /// Values computed with scipy.stats.ttest_ind(a, b, equal_var=False) and the pooled-SD Cohen's d by hand.
    @Test func welchTestMatchesAReferenceComputation() {
        let test = WelchTest([0.62, 0.71, 0.55, 0.68, 0.74, 0.60], [0.48, 0.52, 0.45, 0.58, 0.50, 0.41, 0.55])
        #expect(abs(test.t - 4.12188298655344) < 1e-9)
        #expect(abs(test.degreesOfFreedom - 9.632768075845936) < 1e-9)
        #expect(abs(test.p - 0.0022416231290784375) < 1e-9)
        let null = WelchTest([1, 2, 3, 4, 5], [1.5, 2.5, 2, 3, 4.5, 3.5])
        #expect(abs(null.t - 0.2) < 1e-12 && abs(null.p - 0.8472607878931953) < 1e-9)
        // Cohen's d: (3 − 2.8333…) / sqrt((4·2.5 + 5·1.1667)/9)
        #expect(abs(null.effectSize - (3 - 17.0 / 6) / ((4 * 2.5 + 5 * (7.0 / 6)) / 9).squareRoot()) < 1e-9)
        #expect(WelchTest([1, 1, 1], [1, 1]).p == 1)
    }

    /// Activations in 6 dimensions; the output's gradient points along feature 0 everywhere.
    /// A concept living on feature 0 must score near 1 and be significant; one on feature 3 must not.
    @Test func aConceptWiredIntoTheOutputIsFoundAndAnUnrelatedOneIsNot() {
        var random = SplitMix64(seed: 4)
        func gaussian() -> Float {
            let u = max(random.nextUnit(), 1e-12), v = random.nextUnit()
            return Float((-2 * log(u)).squareRoot() * cos(2 * .pi * v))
        }
        func set(_ count: Int, shift: [Int: Float] = [:]) -> Tensor {
            Tensor(shape: [count, 6], (0..<count).flatMap { _ in (0..<6).map { gaussian() + (shift[$0] ?? 0) } })
        }
        let randomSets = (0..<10).map { _ in set(60) }
        // The output is f(a) = a₀ + noise-free curvature: its gradient is (1, 0, …) plus small per-position wobble.
        let gradients = Tensor(shape: [200, 6], (0..<200).flatMap { _ in [1 + 0.1 * gaussian()] + (0..<5).map { _ in 0.3 * gaussian() } })
        let tcav = TCAV()
        let wired = tcav.test(concept: set(60, shift: [0: 2]), randomSets: randomSets, gradients: gradients)
        #expect(wired.mean > 0.95)
        #expect(wired.significant)
        #expect(wired.cavAccuracy > 0.8)
        let unrelated = tcav.test(concept: set(60, shift: [3: 2]), randomSets: randomSets, gradients: gradients)
        #expect(abs(unrelated.mean - 0.5) < 0.35)
        #expect(unrelated.test.p > wired.test.p)
        #expect(abs(unrelated.test.effectSize) < abs(wired.test.effectSize))
    }
}
