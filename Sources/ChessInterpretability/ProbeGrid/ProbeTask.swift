import Concepts
import DataFiles
import Interpretability

/// One concept's probing problem: its probe kind, its labels on the train, validation
/// and test games, and the shuffled-label control task.
struct ProbeTask: Sendable {
    let concept: Concept
    let kind: LinearProbe.Kind
    let train: ProbeTarget
    let validation: ProbeTarget
    let test: ProbeTarget
    let controlTrain: ProbeTarget
    let controlTest: ProbeTarget

    /// `labels[split]` holds the concept's value for each position of that split, in row order.
    init(concept: Concept, labels: [DataSplit: [Double]], seed: UInt64) {
        self.concept = concept
        kind = Self.kind(of: concept)
        // Training weighs every class equally; validation and test rows count once each
        // (their metrics, balanced accuracy and AUC, are insensitive to class balance).
        train = ProbeTarget(kind: kind, labels: labels[.train]!, balanced: true)
        validation = ProbeTarget(kind: kind, labels: labels[.validation]!)
        test = ProbeTarget(kind: kind, labels: labels[.test]!)
        var random = SplitMix64(seed: SplitMix64.mix(seed, concept.name))
        controlTrain = train.shuffled(using: &random)
        controlTest = test.shuffled(using: &random)
    }

    /// Logistic for binary concepts, linear for scalar ones, multinomial for categorical ones.
    static func kind(of concept: Concept) -> LinearProbe.Kind {
        switch concept.kind {
        case .binary: .logistic
        case .scalar: .linear
        case .categorical(let names): .multinomial(classes: names.count)
        }
    }

    /// Whether there is anything to probe: both the training and test games hold more than one label value.
    var isInformative: Bool { train.isInformative && test.isInformative && validation.labelledRows > 0 }

    /// Why an uninformative task cannot be fitted, in plain words.
    var uninformativeReason: String {
        for (name, target) in [("training", train), ("test", test), ("validation", validation)] where !target.isInformative {
            guard target.labelledRows > 0 else { return "has no labelled position in the \(name) games" }
            if kind == .logistic {
                let value = target.labels[target.labelledIndices[0]] > 0.5
                return "is \(value ? "true" : "false") in every one of the \(target.labelledRows) \(name) positions"
            }
            return "takes a single value in the \(target.labelledRows) \(name) positions"
        }
        return "varies"
    }

    /// The metrics reported, the first also choosing the penalty on validation.
    var metrics: [ProbeMetric] {
        switch kind {
        case .logistic: [.rocAUC, .balancedAccuracy]
        case .linear: [.r2]
        case .multinomial: [.balancedAccuracy]
        }
    }

    /// Labelled rows of a binary concept's target where it holds; nil for other kinds.
    func positives(in target: ProbeTarget) -> Int? {
        guard kind == .logistic else { return nil }
        return target.labelledIndices.count { target.labels[$0] > 0.5 }
    }

    var probeName: String {
        switch kind {
        case .logistic: "logistic"
        case .linear: "linear"
        case .multinomial: "multinomial"
        }
    }
}
