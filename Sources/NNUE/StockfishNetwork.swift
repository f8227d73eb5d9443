import Chess
import NeuralKernels

/// Stockfish 15.1's evaluation network, run with exactly Stockfish's integer arithmetic:
/// a full (non-incremental) accumulator refresh per position, the clipped pairwise
/// products of each perspective's halves, then the layer stack of the position's bucket.
///
/// ```swift
/// let network = try StockfishNetwork(contentsOf: "nn-ad9b42354671.nnue")
/// let trace = network.trace(Position.start)
/// print(trace.evaluation, trace.bucket)   // internal units, side to move's view; bucket 7
/// ```
///
/// The weights are immutable, so one network serves any number of threads.
package final class StockfishNetwork: @unchecked Sendable {
    /// One position's view: every bucket's terms, and which bucket Stockfish uses.
    package struct Trace: Sendable, Equatable {
        /// Per bucket, the PSQT (material) term and the layer stack's (positional) term,
        /// each truncated to Stockfish's internal units, side to move's view.
        package let psqt: [Int]
        package let positional: [Int]
        /// The bucket of the position's piece count.
        package let bucket: Int
        /// (PSQT + positional) / 16 of the used bucket, truncated: Stockfish's NNUE evaluation.
        package let evaluation: Int
        package let sideToMove: Color
    }

    /// Stockfish 15.1's pawn: internal units per pawn in everything it prints.
    package static let unitsPerPawn = 361
    /// The integer outputs are this many times Stockfish's internal units.
    static let outputScale = 16

    package let file: NNUEFile
    private let storage: Storage
    var weights: qk_network { storage.network }

    package convenience init(contentsOf path: String) throws(NNUEFormatError) {
        self.init(try NNUEFile(contentsOf: path))
    }

    package init(_ file: NNUEFile) {
        self.file = file
        storage = Storage(file)
    }

    /// The Stockfish NNUE evaluations (internal units, side to move's view) of positions,
    /// each a full refresh of both accumulators.
    package func evaluate(_ positions: [Position]) -> [Int] { evaluate(Batch(positions)) }

    /// The evaluations of positions whose features are already extracted.
    package func evaluate(_ batch: Batch) -> [Int] {
        var psqt = [Int32](repeating: 0, count: batch.count), positional = psqt
        var network = weights
        qk_evaluate(&network, batch.features, batch.counts, batch.buckets, batch.count, &psqt, &positional)
        return zip(psqt, positional).map { Int(($0 + $1) / Int32(Self.outputScale)) }
    }

    /// Positions as the evaluation kernel reads them: 64 feature slots per position (the side
    /// to move's 32, then the opponent's), the piece count, and the bucket.
    package struct Batch: Sendable {
        package let features: [Int32]
        package let counts: [Int32]
        package let buckets: [Int32]
        package var count: Int { counts.count }

        package init(_ positions: [Position]) {
            var features = [Int32](repeating: 0, count: positions.count * 64)
            var counts = [Int32](), buckets = [Int32]()
            counts.reserveCapacity(positions.count)
            buckets.reserveCapacity(positions.count)
            for (index, position) in positions.enumerated() {
                for (side, perspective) in [position.sideToMove, position.sideToMove.opponent].enumerated() {
                    for (slot, feature) in HalfKAv2Features.active(in: position, perspective: perspective).enumerated() {
                        features[index * 64 + side * 32 + slot] = feature
                    }
                }
                counts.append(Int32(position.occupied.count))
                buckets.append(Int32(HalfKAv2Features.bucket(of: position)))
            }
            (self.features, self.counts, self.buckets) = (features, counts, buckets)
        }
    }

    /// What Stockfish's `eval` command shows of the network for one position.
    package func trace(_ position: Position) -> Trace {
        let (accumulators, psqtSums) = accumulate(position)
        var transformed = [UInt8](repeating: 0, count: NNUEFile.halfDimensions)
        qk_transform(accumulators[0], accumulators[1], &transformed)
        var network = weights
        let terms = (0..<NNUEFile.buckets).map { bucket in
            ((psqtSums[0][bucket] - psqtSums[1][bucket]) / 2, qk_propagate(&network, bucket, transformed, nil, nil))
        }
        let bucket = HalfKAv2Features.bucket(of: position)
        let scale = Int32(Self.outputScale)
        return Trace(psqt: terms.map { Int($0.0 / scale) }, positional: terms.map { Int($0.1 / scale) }, bucket: bucket,
                     evaluation: Int((terms[bucket].0 + terms[bucket].1) / scale), sideToMove: position.sideToMove)
    }

    /// The intermediate integer values of one position's evaluation in its own bucket.
    struct Internals {
        /// Both perspectives' accumulators, side to move first.
        var accumulators: [[Int16]]
        var fc0: [Int32]
        var fc1: [Int32]
        var psqt: Int32
        var positional: Int32
    }

    func internals(_ position: Position) -> Internals {
        let (accumulators, psqtSums) = accumulate(position)
        var transformed = [UInt8](repeating: 0, count: NNUEFile.halfDimensions)
        qk_transform(accumulators[0], accumulators[1], &transformed)
        var fc0 = [Int32](repeating: 0, count: NNUEFile.fc0Outputs), fc1 = [Int32](repeating: 0, count: NNUEFile.fc1Outputs)
        var network = weights
        let bucket = HalfKAv2Features.bucket(of: position)
        let positional = qk_propagate(&network, bucket, transformed, &fc0, &fc1)
        return Internals(accumulators: accumulators, fc0: fc0, fc1: fc1,
                         psqt: (psqtSums[0][bucket] - psqtSums[1][bucket]) / 2, positional: positional)
    }

    private func accumulate(_ position: Position) -> (accumulators: [[Int16]], psqt: [[Int32]]) {
        var network = weights
        var accumulators = [[Int16]](), psqt = [[Int32]]()
        for perspective in [position.sideToMove, position.sideToMove.opponent] {
            let features = HalfKAv2Features.active(in: position, perspective: perspective)
            var accumulator = [Int16](repeating: 0, count: NNUEFile.halfDimensions)
            var sums = [Int32](repeating: 0, count: NNUEFile.buckets)
            qk_accumulate(&network, features, features.count, &accumulator, &sums)
            accumulators.append(accumulator)
            psqt.append(sums)
        }
        return (accumulators, psqt)
    }

    /// Stable copies of the weights for the C kernels, which keep pointers into them.
    private final class Storage {
        let buffers: [UnsafeMutableRawBufferPointer]
        let network: qk_network

        init(_ file: NNUEFile) {
            var buffers = [UnsafeMutableRawBufferPointer]()
            func stable<Value>(_ values: [Value]) -> UnsafePointer<Value> {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, values.count * MemoryLayout<Value>.stride), alignment: 64)
                values.withUnsafeBytes { buffer.copyMemory(from: $0) }
                buffers.append(buffer)
                return UnsafePointer(buffer.baseAddress!.assumingMemoryBound(to: Value.self))
            }
            network = qk_network(ft_biases: stable(file.featureBiases), ft_weights: stable(file.featureWeights), psqt_weights: stable(file.psqtWeights),
                                 fc0_biases: stable(file.fc0Biases), fc0_weights: stable(file.fc0Weights),
                                 fc1_biases: stable(file.fc1Biases), fc1_weights: stable(file.fc1Weights),
                                 fc2_biases: stable(file.fc2Biases), fc2_weights: stable(file.fc2Weights))
            self.buffers = buffers
        }

        deinit { for buffer in buffers { buffer.deallocate() } }
    }
}
