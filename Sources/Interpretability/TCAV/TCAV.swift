import Neural

/// Testing with Concept Activation Vectors (Kim et al. 2018): how often an output rises
/// when a layer's activations move towards a concept, and whether that is more than a
/// random direction gives.
///
/// A CAV is the direction of a logistic probe separating the concept's examples from a
/// random counter-set at the layer. The conceptual sensitivity of an output at a position
/// is the directional derivative ∇ₐoutput · CAV; the TCAV score is the share of tested
/// positions where it is positive. The concept's CAV is trained against each of several
/// random counter-sets, and random CAVs (one random set against another) give the null
/// scores; a two-sided Welch t-test compares the two lists.
public struct TCAV: Sendable {
    /// One concept's test.
    public struct Result: Codable, Sendable {
        /// TCAV score of the concept's CAV against each random counter-set.
        public let scores: [Double]
        /// TCAV score of each random CAV.
        public let randomScores: [Double]
        public let test: WelchTest
        /// Mean training accuracy of the concept's CAVs (how separable the concept is at the layer).
        public let cavAccuracy: Double
        /// p < the significance level.
        public let significant: Bool

        public var mean: Double { WelchTest.meanAndVariance(scores).mean }
        public var deviation: Double { WelchTest.meanAndVariance(scores).variance.squareRoot() }
        public var randomMean: Double { WelchTest.meanAndVariance(randomScores).mean }
        public var randomDeviation: Double { WelchTest.meanAndVariance(randomScores).variance.squareRoot() }
    }

    /// The L2 strength of the CAV probes.
    public var l2: Float
    public var significanceLevel: Double

    public init(l2: Float = 1e-2, significanceLevel: Double = 0.05) {
        self.l2 = l2
        self.significanceLevel = significanceLevel
    }

    /// Tests a concept given its examples' activations [m × f], random counter-sets'
    /// activations (at least two, each [r × f]), and the output's gradients with respect to
    /// the activations at the tested positions [n × f].
    public func test(concept: Tensor, randomSets: [Tensor], gradients: Tensor) -> Result {
        precondition(randomSets.count >= 2, "TCAV needs at least two random counter-sets")
        var accuracies = [Double]()
        let scores = randomSets.map { random in
            let (direction, accuracy) = cav(positive: concept, negative: random)
            accuracies.append(accuracy)
            return score(direction, gradients)
        }
        let randomScores = randomSets.indices.map { index in
            score(cav(positive: randomSets[index], negative: randomSets[(index + 1) % randomSets.count]).direction, gradients)
        }
        let test = WelchTest(scores, randomScores)
        return Result(scores: scores, randomScores: randomScores, test: test, cavAccuracy: accuracies.reduce(0, +) / Double(accuracies.count),
                      significant: test.p < significanceLevel)
    }

    /// The unit-free direction (in raw activation units) from `negative` to `positive`, and the probe's training accuracy.
    private func cav(positive: Tensor, negative: Tensor) -> (direction: [Float], accuracy: Double) {
        let x = Tensor(shape: [positive.rows + negative.rows, positive.rowSize], positive.storage + negative.storage)
        let labels = [Double](repeating: 1, count: positive.rows) + [Double](repeating: 0, count: negative.rows)
        let probe = ProbeFitter(l2: l2).fit(x, labels: labels, kind: .logistic, balanced: true)
        let accuracy = Metrics.balancedAccuracy(labels: labels, predictions: probe.predict(x).map { $0 >= 0.5 ? 1 : 0 })
        return (probe.direction, accuracy)
    }

    /// The share of rows whose gradient has a positive component along `direction`.
    private func score(_ direction: [Float], _ gradients: Tensor) -> Double {
        let d = direction.count
        precondition(gradients.rowSize == d, "gradients have \(gradients.rowSize) features, the CAV \(d)")
        let positive = (0..<gradients.rows).count { row in
            (0..<d).reduce(Float(0)) { $0 + gradients.storage[row * d + $1] * direction[$1] } > 0
        }
        return Double(positive) / Double(max(gradients.rows, 1))
    }
}
