import DataFiles
import Foundation
import Neural
import Interpretability
import Testing

struct ProbeTests {
    /// Gaussian activations with a planted linear concept: label = [x·w* + noise > 0].
    static func planted(n: Int, d: Int, support: [Int: Float], seed: UInt64, noise: Double = 0.3) -> (Tensor, [Double], [Double]) {
        var random = SplitMix64(seed: seed)
        func gaussian() -> Double {
            let u = max(random.nextUnit(), 1e-12), v = random.nextUnit()
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        var values = [Float](), binary = [Double](), scalar = [Double]()
        for _ in 0..<n {
            let row = (0..<d).map { _ in Float(gaussian()) }
            let signal = support.reduce(0.0) { $0 + Double(row[$1.key] * $1.value) }
            values += row
            scalar.append(signal + 0.1 * gaussian())
            binary.append(signal + noise * gaussian() > 0 ? 1 : 0)
        }
        return (Tensor(shape: [n, d], values), binary, scalar)
    }

    static let support: [Int: Float] = [3: 2, 7: -1.5, 11: 1]

    @Test func logisticProbeRecoversAPlantedDirectionAndFailsOnShuffledLabels() {
        let (train, labels, _) = Self.planted(n: 2_000, d: 24, support: Self.support, seed: 1)
        let (test, testLabels, _) = Self.planted(n: 1_000, d: 24, support: Self.support, seed: 2)
        let probe = ProbeFitter().fit(train, labels: labels, kind: .logistic)
        let score = Metrics.balancedAccuracy(labels: testLabels, predictions: probe.predict(test).map { $0 > 0.5 ? 1 : 0 })
        #expect(score > 0.9)
        #expect(Metrics.rocAUC(labels: testLabels, scores: probe.predict(test)) > 0.97)
        let direction = probe.direction
        let planted = (0..<24).map { Self.support[$0] ?? 0 }
        let cosine = zip(direction, planted).reduce(0) { $0 + $1.0 * $1.1 }
            / (direction.reduce(0) { $0 + $1 * $1 }.squareRoot() * planted.reduce(0) { $0 + $1 * $1 }.squareRoot())
        #expect(cosine > 0.95)
        var random = SplitMix64(seed: 9)
        let control = ProbeFitter().fit(train, labels: labels.shuffled(using: &random), kind: .logistic)
        #expect(Metrics.balancedAccuracy(labels: testLabels, predictions: control.predict(test).map { $0 > 0.5 ? 1 : 0 }) < 0.6)
    }

    @Test func kSparseProbeFindsThePlantedSupport() {
        let (train, labels, _) = Self.planted(n: 2_000, d: 40, support: Self.support, seed: 3)
        let probe = ProbeFitter(sparsity: 3).fit(train, labels: labels, kind: .logistic)
        let nonzero = Set(probe.weights.indices.filter { probe.weights[$0] != 0 })
        #expect(nonzero == Set(Self.support.keys))
    }

    @Test func l1ProbeIsSparseAndKeepsTheSignal() {
        let (train, labels, _) = Self.planted(n: 2_000, d: 40, support: Self.support, seed: 4)
        let probe = ProbeFitter(l2: 0, l1: 0.02).fit(train, labels: labels, kind: .logistic)
        let nonzero = Set(probe.weights.indices.filter { probe.weights[$0] != 0 })
        #expect(Set(Self.support.keys).isSubset(of: nonzero))
        #expect(nonzero.count <= 10)
    }

    /// The L1 optimum's conditions: each nonzero weight balances its gradient against λ₁,
    /// and each zero weight's gradient stays within ±λ₁.
    @Test func l1ProbeSatisfiesTheOptimalityConditions() {
        let (x, labels, _) = Self.planted(n: 1_500, d: 30, support: Self.support, seed: 5)
        let design = StandardizedActivations(fitting: x)
        let l1: Float = 0.01
        let probe = ProbeFitter(l2: 0, l1: l1, gradientTolerance: 1e-6).fit(design, targets: [ProbeTarget(kind: .logistic, labels: labels)])[0]
        // The conditions hold in the standardised space the penalty acts in, computed here from scratch.
        func standardized(_ row: Int, _ j: Int) -> Double {
            Double(x.storage[row * design.features + j] - design.mean[j]) / Double(design.deviation[j])
        }
        var gradient = [Double](repeating: 0, count: design.features)
        for row in 0..<design.rows {
            var z = Double(probe.bias[0])
            for j in 0..<design.features { z += standardized(row, j) * Double(probe.weights[j]) }
            let residual = (1 / (1 + exp(-z)) - labels[row]) / Double(design.rows)
            for j in 0..<design.features { gradient[j] += residual * standardized(row, j) }
        }
        let zeros = probe.weights.filter { $0 == 0 }.count
        #expect(zeros >= 10, "OWL-QN leaves exact zeros")
        for (w, g) in zip(probe.weights, gradient) {
            if w == 0 {
                #expect(abs(g) <= Double(l1) + 1e-4)
            } else {
                #expect(abs(g + Double(l1) * (w > 0 ? 1 : -1)) <= 1e-4)
            }
        }
    }

    @Test func linearProbeExplainsAPlantedScalar() {
        let (train, _, values) = Self.planted(n: 1_000, d: 16, support: Self.support, seed: 5)
        let (test, _, testValues) = Self.planted(n: 500, d: 16, support: Self.support, seed: 6)
        let probe = ProbeFitter(l2: 1e-4).fit(train, labels: values, kind: .linear)
        #expect(Metrics.r2(labels: testValues, predictions: probe.predict(test)) > 0.97)
    }

    @Test func multinomialProbeSeparatesThreeClasses() {
        let (x, _, _) = Self.planted(n: 1_500, d: 6, support: [:], seed: 7)
        // Class = which of the first three features is largest.
        let labels = (0..<1_500).map { row -> Double in
            let values = (0..<3).map { x.storage[row * 6 + $0] }
            return Double(values.indices.max { values[$0] < values[$1] }!)
        }
        let probe = ProbeFitter().fit(x, labels: labels, kind: .multinomial(classes: 3))
        #expect(Metrics.accuracy(labels: labels, predictions: probe.predict(x)) > 0.85)
    }
}

struct ProbeBatchTests {
    @Test func probesFittedTogetherMatchProbesFittedAlone() {
        let (x, binary, scalar) = ProbeTests.planted(n: 1_200, d: 20, support: ProbeTests.support, seed: 11)
        let design = StandardizedActivations(fitting: x)
        let targets = [ProbeTarget(kind: .logistic, labels: binary), ProbeTarget(kind: .linear, labels: scalar)]
        let fitter = ProbeFitter(l2: 1e-2, gradientTolerance: 1e-7)
        let together = fitter.fit(design, targets: targets)
        for (target, probe) in zip(targets, together) {
            let alone = fitter.fit(design, targets: [target])[0]
            let gap = zip(alone.weights, probe.weights).map { abs($0 - $1) }.max()!
            #expect(gap < 1e-3)
        }
    }

    @Test func balancedWeightsGiveEachClassTheSameTotal() {
        let target = ProbeTarget(kind: .logistic, labels: [1, 0, 0, 0, .nan], balanced: true)
        let third = 2.0 / 3
        let expected: [Double] = [2, third, third, third, 0]
        #expect(target.weights == expected)
        #expect(target.labelledRows == 4)
        #expect(ProbeTarget(kind: .logistic, labels: [0, 0, .nan]).isInformative == false)
    }

    @Test func aProbeSurvivesTheRoundTripThroughItsFiles() throws {
        let (x, _, _) = ProbeTests.planted(n: 300, d: 6, support: [:], seed: 12)
        let labels = (0..<300).map { Double($0 % 3) }
        let probe = ProbeFitter().fit(x, labels: labels, kind: .multinomial(classes: 3))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(getpid()).safetensors").path
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: LinearProbe.descriptionPath(for: path))
        }
        try probe.write(to: path, metadata: ["concept": "phase"])
        let (read, metadata) = try LinearProbe.read(from: path)
        #expect(read == probe)
        #expect(metadata["concept"] == "phase" && metadata["kind"] == "multinomial")
        let description = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: LinearProbe.descriptionPath(for: path)))) as? [String: String]
        #expect(description?["classes"] == "3")
    }
}

struct MLPProbeTests {
    /// A concept no linear read-out can see: whether two features share their sign.
    @Test func mlpProbeReadsAnInteractionThatALinearProbeCannot() {
        let (x, _, _) = ProbeTests.planted(n: 3_000, d: 8, support: [:], seed: 21)
        let labels = (0..<3_000).map { row in x.storage[row * 8] * x.storage[row * 8 + 1] > 0 ? 1.0 : 0 }
        let (train, trainLabels) = (x.gathering(rows: Array(0..<2_000)), Array(labels[..<2_000]))
        let (test, testLabels) = (x.gathering(rows: Array(2_000..<3_000)), Array(labels[2_000...]))
        let design = StandardizedActivations(fitting: train)
        let target = ProbeTarget(kind: .logistic, labels: trainLabels, balanced: true)
        let (mlp, epochs) = MLPProbe.Fitter(hidden: 32, epochs: 60, seed: 3).fit(design, target: target) { probe in
            Metrics.rocAUC(labels: trainLabels, scores: probe.scores(train).map(Double.init))
        }
        let linear = ProbeFitter().fit(design, targets: [target])[0]
        let mlpAUC = Metrics.rocAUC(labels: testLabels, scores: mlp.scores(test).map(Double.init))
        let linearAUC = Metrics.rocAUC(labels: testLabels, scores: linear.scores(test).map(Double.init))
        #expect(mlpAUC > 0.9, "the hidden layer finds the interaction")
        #expect(abs(linearAUC - 0.5) < 0.08, "no direction separates it")
        #expect(epochs >= 1 && epochs <= 60)
        // Training without held-out scores runs every epoch; the same seed gives the same probe.
        let again = MLPProbe.Fitter(hidden: 32, epochs: epochs, seed: 3).fit(design, target: target).probe
        let first = MLPProbe.Fitter(hidden: 32, epochs: epochs, seed: 3).fit(design, target: target).probe
        #expect(again.scores(test) == first.scores(test))
    }
}
