import DataFiles

/// Mini-batch training of a network with Adam: rows reshuffled every epoch from the
/// seed, the caller's loss on each batch. Enough for the small tabular and image models;
/// the chess network has its own trainer with checkpoints.
public struct MinibatchTraining: Sendable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var seed: UInt64

    public init(epochs: Int, batchSize: Int = 64, learningRate: Float = 1e-3, seed: UInt64 = 1) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.seed = seed
    }

    /// Trains `network` on `inputs` [n × ...]. `loss(outputs, rows)` returns the batch's mean
    /// loss and its gradient with respect to the outputs; `rows` are the batch's row indices.
    /// `progress(epoch, mean loss)` is called after each epoch.
    public func run(_ network: Sequential, inputs: Tensor, loss: (Tensor, [Int]) -> (Float, Tensor),
                    progress: (Int, Float) -> Void = { _, _ in }) {
        let optimizer = Adam(learningRate: learningRate)
        var random = SplitMix64(seed: SplitMix64.mix(seed, "minibatches"))
        for epoch in 1...max(epochs, 1) {
            let order = Array(0..<inputs.rows).shuffled(using: &random)
            var total: Float = 0
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let rows = Array(order[start..<min(start + batchSize, order.count)])
                network.zeroGradients()
                let (value, gradient) = loss(network.forward(inputs.gathering(rows: rows), mode: .training), rows)
                _ = network.backward(gradient)
                optimizer.step(network.parameters)
                total += value * Float(rows.count)
            }
            progress(epoch, total / Float(max(order.count, 1)))
        }
    }
}
