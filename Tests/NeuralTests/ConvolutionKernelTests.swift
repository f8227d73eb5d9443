import DataFiles
@testable import Neural
import Testing

/// The convolution kernels (Winograd, direct, their adjoints and weight gradients) against
/// a plain sum in double precision, on shapes that exercise whole vectors, channel tails
/// and both methods.
struct ConvolutionKernelTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        var kernel: Int, height: Int, width: Int, inChannels: Int, outChannels: Int
        var testDescription: String { "\(kernel)×\(kernel) on \(height)×\(width), \(inChannels)→\(outChannels)" }
    }

    static let shapes = [
        Shape(kernel: 3, height: 8, width: 8, inChannels: 64, outChannels: 64),  // Winograd, the chess tower
        Shape(kernel: 3, height: 8, width: 8, inChannels: 20, outChannels: 48),  // Winograd, the stem (20 planes)
        Shape(kernel: 3, height: 6, width: 4, inChannels: 33, outChannels: 17),  // Winograd, tails both ways
        Shape(kernel: 3, height: 5, width: 5, inChannels: 20, outChannels: 24),  // direct: odd size
        Shape(kernel: 1, height: 8, width: 8, inChannels: 64, outChannels: 73),  // direct 1×1: the policy logits
        Shape(kernel: 5, height: 7, width: 6, inChannels: 3, outChannels: 18),   // direct 5×5
    ]

    /// Visits every (output, input, weight) index triple of the plain sum
    /// y[n,y,x,o] = b[o] + Σ w[o,ky,kx,i] · x[n, y+ky−k/2, x+kx−k/2, i], zero outside.
    private static func forEachTerm(_ shape: Shape, batch: Int, _ body: (_ output: Int, _ input: Int, _ weight: Int) -> Void) {
        let (h, w, k, cin, cout, half) = (shape.height, shape.width, shape.kernel, shape.inChannels, shape.outChannels, shape.kernel / 2)
        for n in 0..<batch {
            for y in 0..<h {
                for x in 0..<w {
                    for o in 0..<cout {
                        for ky in 0..<k where (0..<h).contains(y + ky - half) {
                            for kx in 0..<k where (0..<w).contains(x + kx - half) {
                                for i in 0..<cin {
                                    body(((n * h + y) * w + x) * cout + o, ((n * h + y + ky - half) * w + x + kx - half) * cin + i,
                                         ((o * k + ky) * k + kx) * cin + i)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The largest difference from `expected`, relative to the largest expected magnitude.
    private static func relativeError(_ actual: [Float], _ expected: [Double]) -> Double {
        let scale = max(expected.map(abs).max() ?? 0, 1e-12)
        return zip(actual, expected).map { abs(Double($0) - $1) }.max()! / scale
    }

    @Test(arguments: shapes)
    func matchesThePlainSum(_ shape: Shape) {
        var random = SplitMix64(seed: 21)
        let conv = Conv2D("conv", inChannels: shape.inChannels, outChannels: shape.outChannels, kernel: shape.kernel, random: &random)
        conv.bias!.value = GradientCheck.randomTensor([shape.outChannels], seed: 22)
        let input = GradientCheck.randomTensor([3, shape.height, shape.width, shape.inChannels], seed: 23)
        let output = conv.forward(input, mode: .training)
        #expect(output.shape == [3, shape.height, shape.width, shape.outChannels])
        let (x, w) = (input.storage, conv.weight.value.storage)
        var expectedOutput = (0..<output.count).map { Double(conv.bias!.value.storage[$0 % shape.outChannels]) }
        Self.forEachTerm(shape, batch: 3) { o, i, k in expectedOutput[o] += Double(x[i]) * Double(w[k]) }
        #expect(Self.relativeError(output.storage, expectedOutput) < 1e-5)

        // The loss Σ g ⊙ y is linear: ∂/∂x and ∂/∂w are sums that the plain loops give exactly.
        let upstream = GradientCheck.randomTensor(output.shape, seed: 24)
        conv.zeroGradients()
        let inputGradient = conv.backward(upstream)
        let g = upstream.storage
        var expectedInput = [Double](repeating: 0, count: input.count)
        var expectedWeight = [Double](repeating: 0, count: conv.weight.value.count)
        Self.forEachTerm(shape, batch: 3) { o, i, k in
            expectedInput[i] += Double(g[o]) * Double(w[k])
            expectedWeight[k] += Double(g[o]) * Double(x[i])
        }
        var expectedBias = [Double](repeating: 0, count: shape.outChannels)
        for (index, value) in g.enumerated() { expectedBias[index % shape.outChannels] += Double(value) }
        #expect(Self.relativeError(inputGradient.storage, expectedInput) < 1e-5)
        #expect(Self.relativeError(conv.weight.gradient.storage, expectedWeight) < 1e-5)
        #expect(Self.relativeError(conv.bias!.gradient.storage, expectedBias) < 1e-5)
    }

    @Test func winogradGradientsMatchFiniteDifferences() {
        var random = SplitMix64(seed: 25)
        let conv = Conv2D("conv", inChannels: 5, outChannels: 18, kernel: 3, random: &random)
        GradientCheck.check(conv, input: GradientCheck.randomTensor([2, 6, 4, 5], seed: 26))
    }

    /// A position's activations must not depend on the batch it is evaluated in (the
    /// concept search scores boards one at a time that training saw in batches).
    @Test(arguments: [3, 5, 1])
    func outputsDoNotDependOnTheBatch(kernel: Int) {
        var random = SplitMix64(seed: 27)
        let conv = Conv2D("conv", inChannels: 20, outChannels: 40, kernel: kernel, random: &random)
        let batch = GradientCheck.randomTensor([13, 8, 8, 20], seed: 28)
        let together = conv.forward(batch, mode: .inference)
        for image in [0, 6, 12] {
            let alone = conv.forward(batch.gathering(rows: [image]), mode: .inference)
            #expect(alone.storage == together.gathering(rows: [image]).storage)
        }
    }
}
