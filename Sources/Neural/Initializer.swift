import DataFiles

/// Seeded weight initialisation.
enum Initializer {
    /// Kaiming/He uniform for ReLU networks: U(−b, b), b = √(6 / fanIn).
    static func heUniform(shape: [Int], fanIn: Int, random: inout SplitMix64) -> Tensor {
        let bound = Float((6.0 / Double(max(fanIn, 1))).squareRoot())
        return uniform(shape: shape, bound: bound, random: &random)
    }

    /// Glorot/Xavier uniform: U(−b, b), b = √(6 / (fanIn + fanOut)).
    static func glorotUniform(shape: [Int], fanIn: Int, fanOut: Int, random: inout SplitMix64) -> Tensor {
        let bound = Float((6.0 / Double(max(fanIn + fanOut, 1))).squareRoot())
        return uniform(shape: shape, bound: bound, random: &random)
    }

    /// U(−bound, bound).
    static func uniform(shape: [Int], bound: Float, random: inout SplitMix64) -> Tensor {
        let count = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        for index in 0..<count { values[index] = Float(random.nextUnit() * 2 - 1) * bound }
        return Tensor(shape: shape, values)
    }
}
