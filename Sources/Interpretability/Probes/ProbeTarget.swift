/// What one probe is fitted to read: a label per activation row and how much each
/// row counts. Many targets share one activation matrix in `ProbeFitter.fit`.
public struct ProbeTarget: Sendable {
    public let kind: LinearProbe.Kind
    /// One label per row: 0/1, a value, or a class index. Unlabelled rows hold 0 and weight 0.
    public let labels: [Double]
    /// One non-negative weight per row; the loss is the weighted mean.
    public let weights: [Double]

    /// `labels` may hold NaN where the concept is undefined: those rows get weight 0.
    /// With `balanced`, every class of a logistic or multinomial target weighs the same
    /// in total (scikit-learn's `class_weight="balanced"`), so that a rare concept is
    /// not fitted by predicting its absence.
    public init(kind: LinearProbe.Kind, labels: [Double], balanced: Bool = false) {
        self.kind = kind
        self.labels = labels.map { $0.isNaN ? 0 : $0 }
        var weights = labels.map { $0.isNaN ? 0.0 : 1.0 }
        if balanced, kind.outputs > 1 || kind == .logistic {
            var counts = [Int: Int]()
            for label in labels where !label.isNaN { counts[Self.classIndex(label, kind), default: 0] += 1 }
            let labelled = Double(counts.values.reduce(0, +))
            for (row, label) in labels.enumerated() where !label.isNaN {
                weights[row] = labelled / (Double(counts.count) * Double(counts[Self.classIndex(label, kind)]!))
            }
        }
        self.weights = weights
    }

    init(kind: LinearProbe.Kind, labels: [Double], weights: [Double]) {
        self.kind = kind
        self.labels = labels
        self.weights = weights
    }

    /// The class a label stands for (binary labels are thresholded at ½).
    static func classIndex(_ label: Double, _ kind: LinearProbe.Kind) -> Int {
        kind == .logistic ? (label > 0.5 ? 1 : 0) : Int(label)
    }

    /// Rows with a label.
    public var labelledRows: Int { weights.count { $0 > 0 } }

    /// The indices of the rows with a label.
    public var labelledIndices: [Int] { weights.indices.filter { weights[$0] > 0 } }

    /// Whether the labelled rows hold more than one class (or, for a scalar, more than one value):
    /// otherwise there is nothing to probe for.
    public var isInformative: Bool {
        let values = Set(zip(labels, weights).filter { $0.1 > 0 }.map { kind == .linear ? $0.0 : Double(Self.classIndex($0.0, kind)) })
        return values.count > 1
    }

    /// The same target with its labels permuted among the labelled rows (weights follow
    /// their labels): the control task, whose score shows what a probe gets from noise.
    public func shuffled(using random: inout some RandomNumberGenerator) -> ProbeTarget {
        let labelled = self.weights.indices.filter { self.weights[$0] > 0 }
        let order = labelled.shuffled(using: &random)
        var labels = self.labels, weights = self.weights
        for (destination, source) in zip(labelled, order) {
            labels[destination] = self.labels[source]
            weights[destination] = self.weights[source]
        }
        return ProbeTarget(kind: kind, labels: labels, weights: weights)
    }
}
