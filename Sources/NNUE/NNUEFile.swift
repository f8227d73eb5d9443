import Foundation

/// The weights of a Stockfish 15.1 network file (`.nnue`, HalfKAv2_hm): a feature
/// transformer of 22,528 king-bucketed piece-square features onto 1,024 int16 values and
/// 8 PSQT sums per perspective, then 8 layer stacks of 1,024 → 16 → 32 → 1 int8 weights.
///
/// The layout, all little-endian: a header (format version, network hash, description
/// length and text); the feature transformer's hash, biases, weights and PSQT weights;
/// then per layer stack its hash and each layer's int32 biases followed by its int8
/// weights, row-major over inputs padded to a multiple of 32. The hashes are those
/// Stockfish derives from the architecture, so any other network is refused by name.
///
/// ```swift
/// let file = try NNUEFile(contentsOf: "nn-ad9b42354671.nnue")
/// print(file.description)   // the trainer's note, e.g. "Network trained with ..."
/// ```
package struct NNUEFile: Sendable {
    /// The format version Stockfish 15.1 writes.
    package static let version: UInt32 = 0x7AF3_2F20
    package static let features = 22_528
    package static let halfDimensions = 1_024
    package static let buckets = 8
    package static let fc0Outputs = 16
    package static let fc1Inputs = 32
    package static let fc1Outputs = 32

    /// The description text the trainer stored.
    package let description: String
    package let featureBiases: [Int16]
    package let featureWeights: [Int16]
    package let psqtWeights: [Int32]
    package let fc0Biases: [Int32]
    package let fc0Weights: [Int8]
    package let fc1Biases: [Int32]
    package let fc1Weights: [Int8]
    package let fc2Biases: [Int32]
    package let fc2Weights: [Int8]

    /// The feature transformer's hash: the feature set's (HalfKAv2_hm) with the output width.
    static let transformerHash: UInt32 = 0x7F23_4CB8 ^ UInt32(halfDimensions * 2)

    /// The layer stack's hash, built up layer by layer as Stockfish does.
    static let stackHash: UInt32 = {
        func affine(_ previous: UInt32, outputs: UInt32) -> UInt32 {
            var hash = 0xCC03_DAE4 &+ outputs
            hash ^= previous >> 1
            hash ^= previous << 31
            return hash
        }
        func clippedReLU(_ previous: UInt32) -> UInt32 { 0x538D_24C7 &+ previous }
        var hash = 0xEC42_E90D ^ UInt32(halfDimensions * 2)
        hash = affine(hash, outputs: UInt32(fc0Outputs))
        hash = clippedReLU(hash)
        hash = affine(hash, outputs: UInt32(fc1Outputs))
        hash = clippedReLU(hash)
        return affine(hash, outputs: 1)
    }()

    static let stackBytes = 4 + fc0Outputs * 4 + fc0Outputs * halfDimensions + fc1Outputs * 4 + fc1Outputs * fc1Inputs + 4 + fc1Outputs
    static let transformerBytes = 4 + halfDimensions * 2 + features * halfDimensions * 2 + features * buckets * 4

    /// Weights given directly (e.g. permuted copies of another network's); the counts are the layout's.
    init(description: String, featureBiases: [Int16], featureWeights: [Int16], psqtWeights: [Int32], fc0Biases: [Int32], fc0Weights: [Int8],
         fc1Biases: [Int32], fc1Weights: [Int8], fc2Biases: [Int32], fc2Weights: [Int8]) {
        precondition(featureWeights.count == Self.features * Self.halfDimensions && fc0Weights.count == Self.buckets * Self.fc0Outputs * Self.halfDimensions)
        self.description = description
        self.featureBiases = featureBiases
        self.featureWeights = featureWeights
        self.psqtWeights = psqtWeights
        self.fc0Biases = fc0Biases
        self.fc0Weights = fc0Weights
        self.fc1Biases = fc1Biases
        self.fc1Weights = fc1Weights
        self.fc2Biases = fc2Biases
        self.fc2Weights = fc2Weights
    }

    /// Reads and checks a network file.
    package init(contentsOf path: String) throws(NNUEFormatError) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) } catch {
            throw NNUEFormatError(path: path, problem: .unreadable(error.localizedDescription))
        }
        try self.init(data, path: path)
    }

    /// Reads and checks the bytes of a network file; `path` only names it in errors.
    package init(_ data: Data, path: String) throws(NNUEFormatError) {
        var reader = Reader(data: data)
        func fail(_ problem: NNUEFormatError.Problem) -> NNUEFormatError { NNUEFormatError(path: path, problem: problem) }
        guard data.count >= 12 else { throw fail(.size(expected: 12, found: data.count)) }
        let version = reader.word()
        guard version == Self.version else { throw fail(.version(found: version)) }
        let networkHash = reader.word()
        let descriptionLength = Int(reader.word())
        let expected = 12 + descriptionLength + Self.transformerBytes + Self.buckets * Self.stackBytes
        if data.count >= 12 + descriptionLength + 4 + 17 {
            var peek = reader
            peek.skip(descriptionLength + 4)
            if peek.bytes(17) == Array("COMPRESSED_LEB128".utf8) { throw fail(.compressed) }
        }
        guard networkHash == Self.transformerHash ^ Self.stackHash else {
            throw fail(.architecture(part: "network", expected: Self.transformerHash ^ Self.stackHash, found: networkHash))
        }
        guard data.count == expected else { throw fail(.size(expected: expected, found: data.count)) }
        description = String(decoding: reader.bytes(descriptionLength), as: UTF8.self)
        let transformer = reader.word()
        guard transformer == Self.transformerHash else {
            throw fail(.architecture(part: "feature transformer", expected: Self.transformerHash, found: transformer))
        }
        featureBiases = reader.integers(Self.halfDimensions)
        featureWeights = reader.integers(Self.features * Self.halfDimensions)
        psqtWeights = reader.integers(Self.features * Self.buckets)
        var fc0Biases = [Int32](), fc0Weights = [Int8](), fc1Biases = [Int32](), fc1Weights = [Int8](), fc2Biases = [Int32](), fc2Weights = [Int8]()
        for bucket in 0..<Self.buckets {
            let hash = reader.word()
            guard hash == Self.stackHash else { throw fail(.architecture(part: "layer stack \(bucket)", expected: Self.stackHash, found: hash)) }
            fc0Biases += reader.integers(Self.fc0Outputs) as [Int32]
            fc0Weights += reader.integers(Self.fc0Outputs * Self.halfDimensions) as [Int8]
            fc1Biases += reader.integers(Self.fc1Outputs) as [Int32]
            fc1Weights += reader.integers(Self.fc1Outputs * Self.fc1Inputs) as [Int8]
            fc2Biases += reader.integers(1) as [Int32]
            fc2Weights += reader.integers(Self.fc1Outputs) as [Int8]
        }
        (self.fc0Biases, self.fc0Weights, self.fc1Biases, self.fc1Weights, self.fc2Biases, self.fc2Weights)
            = (fc0Biases, fc0Weights, fc1Biases, fc1Weights, fc2Biases, fc2Weights)
    }

    /// Little-endian integers from a byte buffer whose size has been checked.
    private struct Reader {
        let data: Data
        var offset: Int

        init(data: Data) {
            self.data = data
            offset = data.startIndex
        }

        mutating func skip(_ count: Int) { offset += count }

        mutating func bytes(_ count: Int) -> [UInt8] {
            defer { offset += count }
            return Array(data[offset..<(offset + count)])
        }

        mutating func word() -> UInt32 { integers(1)[0] }

        mutating func integers<Value: FixedWidthInteger>(_ count: Int) -> [Value] {
            let size = MemoryLayout<Value>.size, start = offset - data.startIndex
            defer { offset += count * size }
            var values = [Value](repeating: 0, count: count)
            data.withUnsafeBytes { raw in
                values.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start..<(start + count * size)])) }
            }
            // The file is little-endian; on a big-endian host each value is swapped.
            return values.map { Value(littleEndian: $0) }
        }
    }
}
