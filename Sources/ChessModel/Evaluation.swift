import Neural

/// How well a network predicts the moves played and the results, on some positions.
package struct Evaluation: Sendable {
    package var policyLoss = 0.0
    package var valueLoss = 0.0
    /// Share of positions where the played move is the network's first choice among legal moves.
    package var policyTop1 = 0.0
    /// … among its first three choices.
    package var policyTop3 = 0.0
    /// Share of positions where the most likely win/draw/loss is the game's result.
    package var valueAccuracy = 0.0

    /// All zeros, for filling in from a log.
    package init() {}

    /// Evaluates `network` (inference mode) on `examples`, in batches.
    package init(network: PolicyValueNetwork, examples: [TrainingExample], batchSize: Int = 512) {
        guard !examples.isEmpty else { return }
        for start in stride(from: 0, to: examples.count, by: batchSize) {
            let batch = TrainingBatch(Array(examples[start..<min(start + batchSize, examples.count)]))
            let (policy, value) = network.forward(batch.planes, mode: .inference)
            let count = Double(batch.moves.count)
            policyLoss += Double(Loss.softmaxCrossEntropy(logits: policy, targets: batch.moves, mask: batch.masks).loss) * count
            valueLoss += Double(Loss.softmaxCrossEntropy(logits: value, targets: batch.outcomes).loss) * count
            for row in 0..<batch.moves.count {
                let base = row * MoveIndex.count
                let target = policy.storage[base + batch.moves[row]]
                // Rank of the played move among the legal moves.
                var better = 0
                for index in 0..<MoveIndex.count where batch.masks.storage[base + index] > 0 && policy.storage[base + index] > target { better += 1 }
                if better == 0 { policyTop1 += 1 }
                if better < 3 { policyTop3 += 1 }
                let wdl = value.storage[(row * 3)..<(row * 3 + 3)]
                if wdl.indices.max(by: { wdl[$0] < wdl[$1] })! - row * 3 == batch.outcomes[row] { valueAccuracy += 1 }
            }
        }
        let n = Double(examples.count)
        policyLoss /= n
        valueLoss /= n
        policyTop1 /= n
        policyTop3 /= n
        valueAccuracy /= n
    }
}
