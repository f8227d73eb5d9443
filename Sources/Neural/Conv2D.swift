import DataFiles

/// A 2-D convolution over NHWC feature maps, as one matrix product per batch
/// (im2col). The weight is stored [out, in, kh, kw] as in PyTorch's `Conv2d`.
public final class Conv2D: Layer {
    public let name: String
    public let weight: Parameter
    public let bias: Parameter?
    public let kernel: Int, stride: Int, padding: Int
    private var inputShape = [Int]()
    private var columns = [Float]()

    /// `padding` defaults to `kernel / 2`, which keeps the size for stride 1.
    public init(_ name: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int? = nil,
                bias: Bool = true, random: inout SplitMix64) {
        self.name = name
        self.kernel = kernel
        self.stride = stride
        self.padding = padding ?? kernel / 2
        let fanIn = inChannels * kernel * kernel
        weight = Parameter("\(name).weight", Initializer.heUniform(shape: [outChannels, inChannels, kernel, kernel], fanIn: fanIn, random: &random))
        self.bias = bias ? Parameter("\(name).bias", Tensor(shape: [outChannels])) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    var inChannels: Int { weight.value.shape[1] }
    var outChannels: Int { weight.value.shape[0] }
    private var patch: Int { inChannels * kernel * kernel }
    private var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }

    func outputSize(_ size: Int) -> Int { (size + 2 * padding - kernel) / stride + 1 }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        precondition(input.shape.count == 4 && input.shape[3] == inChannels, "\(name) expects NHWC with \(inChannels) channels, got \(input.shape)")
        inputShape = input.shape
        let (batch, height, width) = (input.shape[0], input.shape[1], input.shape[2])
        let (outHeight, outWidth) = (outputSize(height), outputSize(width))
        let pixels = batch * outHeight * outWidth
        columns = isPointwise ? input.storage : im2col(input.storage, batch: batch, height: height, width: width)
        var output = Tensor(shape: [batch, outHeight, outWidth, outChannels])
        output.storage.withUnsafeMutableBufferPointer { out in
            if let bias {
                bias.value.storage.withUnsafeBufferPointer { b in
                    for pixel in 0..<pixels { for channel in 0..<outChannels { out[pixel * outChannels + channel] = b[channel] } }
                }
            }
            columns.withUnsafeBufferPointer { cols in
                weight.value.storage.withUnsafeBufferPointer { w in
                    BLAS.gemm(cols.baseAddress!, w.baseAddress!, transposeB: true, out.baseAddress!,
                              m: pixels, n: outChannels, k: patch, beta: bias == nil ? 0 : 1)
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        let pixels = outputGradient.rows * outputGradient.shape[1] * outputGradient.shape[2]
        var columnGradient = [Float](repeating: 0, count: pixels * patch)
        outputGradient.storage.withUnsafeBufferPointer { dy in
            columns.withUnsafeBufferPointer { cols in
                weight.gradient.storage.withUnsafeMutableBufferPointer { dw in
                    BLAS.gemm(dy.baseAddress!, transposeA: true, cols.baseAddress!, dw.baseAddress!, m: outChannels, n: patch, k: pixels, beta: 1)
                }
            }
            if let bias {
                bias.gradient.storage.withUnsafeMutableBufferPointer { db in
                    for pixel in 0..<pixels { for channel in 0..<outChannels { db[channel] += dy[pixel * outChannels + channel] } }
                }
            }
            weight.value.storage.withUnsafeBufferPointer { w in
                columnGradient.withUnsafeMutableBufferPointer { dcols in
                    BLAS.gemm(dy.baseAddress!, w.baseAddress!, dcols.baseAddress!, m: pixels, n: patch, k: outChannels)
                }
            }
        }
        if isPointwise { return Tensor(shape: inputShape, columnGradient) }
        return Tensor(shape: inputShape, col2im(columnGradient))
    }

    /// One row per output pixel holding its receptive field, ordered (channel, ky, kx)
    /// to match the weight layout; zero outside the image.
    private func im2col(_ input: [Float], batch: Int, height: Int, width: Int) -> [Float] {
        let (outHeight, outWidth) = (outputSize(height), outputSize(width))
        let (channels, kernel, stride, padding, patch) = (inChannels, kernel, stride, padding, patch)
        var columns = [Float](repeating: 0, count: batch * outHeight * outWidth * patch)
        columns.withUnsafeMutableBufferPointer { cols in
            input.withUnsafeBufferPointer { x in
                parallelFor(batch, minimumChunk: 8) { images in
                    for n in images {
                        for oy in 0..<outHeight {
                            for ox in 0..<outWidth {
                                let row = ((n * outHeight + oy) * outWidth + ox) * patch
                                for ky in 0..<kernel {
                                    let y = oy * stride + ky - padding
                                    guard y >= 0 && y < height else { continue }
                                    for kx in 0..<kernel {
                                        let xx = ox * stride + kx - padding
                                        guard xx >= 0 && xx < width else { continue }
                                        let source = ((n * height + y) * width + xx) * channels
                                        for c in 0..<channels { cols[row + (c * kernel + ky) * kernel + kx] = x[source + c] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return columns
    }

    /// The adjoint of `im2col`: adds every column entry back onto the pixel it came from.
    private func col2im(_ columnGradient: [Float]) -> [Float] {
        let (batch, height, width, channels) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let (outHeight, outWidth) = (outputSize(height), outputSize(width))
        let (kernel, stride, padding, patch) = (kernel, stride, padding, patch)
        var gradient = [Float](repeating: 0, count: inputShape.reduce(1, *))
        gradient.withUnsafeMutableBufferPointer { dx in
            columnGradient.withUnsafeBufferPointer { cols in
                // Images are disjoint in the output, so threads never write the same element.
                parallelFor(batch, minimumChunk: 8) { images in
                    for n in images {
                        for oy in 0..<outHeight {
                            for ox in 0..<outWidth {
                                let row = ((n * outHeight + oy) * outWidth + ox) * patch
                                for ky in 0..<kernel {
                                    let y = oy * stride + ky - padding
                                    guard y >= 0 && y < height else { continue }
                                    for kx in 0..<kernel {
                                        let xx = ox * stride + kx - padding
                                        guard xx >= 0 && xx < width else { continue }
                                        let target = ((n * height + y) * width + xx) * channels
                                        for c in 0..<channels { dx[target + c] += cols[row + (c * kernel + ky) * kernel + kx] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return gradient
    }
}
