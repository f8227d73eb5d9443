import DataFiles

/// A 2-D convolution over NHWC feature maps, as one matrix product per batch
/// (im2col).
///
/// The weight is stored [out, kh, kw, in] ("OHWI"), so that every receptive-field
/// row is a run of contiguous channel vectors; PyTorch's `Conv2d` holds the same
/// numbers as `weight.permute(0, 3, 1, 2)`.
public final class Conv2D: Layer {
    public let name: String
    public let weight: Parameter
    public let bias: Parameter?
    public let kernel: Int, stride: Int, padding: Int
    private var inputShape = [Int]()
    // Reused from step to step: these are the largest arrays of a training step.
    private var columns = [Float]()
    private var columnGradient = [Float]()

    /// `padding` defaults to `kernel / 2`, which keeps the size for stride 1.
    public init(_ name: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int? = nil,
                bias: Bool = true, random: inout SplitMix64) {
        MemoryReuse.configured
        self.name = name
        self.kernel = kernel
        self.stride = stride
        self.padding = padding ?? kernel / 2
        let fanIn = inChannels * kernel * kernel
        weight = Parameter("\(name).weight", Initializer.heUniform(shape: [outChannels, kernel, kernel, inChannels], fanIn: fanIn, random: &random))
        self.bias = bias ? Parameter("\(name).bias", Tensor(shape: [outChannels])) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    var inChannels: Int { weight.value.shape[3] }
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
        if isPointwise {
            columns = input.storage
        } else {
            Self.im2col(input.storage, batch: batch, height: height, width: width, channels: inChannels,
                        kernel: kernel, stride: stride, padding: padding, into: &columns)
        }
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
        if !isSameSizeStrideOne && columnGradient.count != pixels * patch { columnGradient = [Float](repeating: 0, count: pixels * patch) }
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
        }
        if isSameSizeStrideOne {
            return transposedConvolution(outputGradient)
        }
        outputGradient.storage.withUnsafeBufferPointer { dy in
            weight.value.storage.withUnsafeBufferPointer { w in
                columnGradient.withUnsafeMutableBufferPointer { dcols in
                    BLAS.gemm(dy.baseAddress!, w.baseAddress!, dcols.baseAddress!, m: pixels, n: patch, k: outChannels)
                }
            }
        }
        if isPointwise { return Tensor(shape: inputShape, columnGradient) }
        return Tensor(shape: inputShape, col2im(columnGradient))
    }

    /// A "same" convolution with stride 1 (odd kernel, padding k/2), other than 1×1.
    private var isSameSizeStrideOne: Bool { stride == 1 && kernel > 1 && 2 * padding == kernel - 1 }

    /// ∂input of a same-size stride-1 convolution is the convolution of ∂output with the
    /// weights flipped in space and transposed in channels: one im2col copy and one
    /// product, instead of a scatter-add (col2im).
    private func transposedConvolution(_ outputGradient: Tensor) -> Tensor {
        let (batch, height, width) = (inputShape[0], inputShape[1], inputShape[2])
        let (cin, cout, k) = (inChannels, outChannels, kernel)
        var flipped = [Float](repeating: 0, count: cin * k * k * cout)
        weight.value.storage.withUnsafeBufferPointer { w in
            for co in 0..<cout {
                for ky in 0..<k {
                    for kx in 0..<k {
                        for ci in 0..<cin {
                            flipped[((ci * k + (k - 1 - ky)) * k + (k - 1 - kx)) * cout + co] = w[((co * k + ky) * k + kx) * cin + ci]
                        }
                    }
                }
            }
        }
        Self.im2col(outputGradient.storage, batch: batch, height: height, width: width, channels: cout,
                    kernel: k, stride: 1, padding: padding, into: &columnGradient)
        var inputGradient = Tensor(shape: inputShape)
        columnGradient.withUnsafeBufferPointer { cols in
            flipped.withUnsafeBufferPointer { w in
                inputGradient.storage.withUnsafeMutableBufferPointer { dx in
                    BLAS.gemm(cols.baseAddress!, w.baseAddress!, transposeB: true, dx.baseAddress!,
                              m: batch * height * width, n: cin, k: k * k * cout)
                }
            }
        }
        return inputGradient
    }

    /// Visits every (output pixel, kernel offset) pair of a batch: `body` gets the offset
    /// of that channel vector in the column matrix and, inside the image, in the NHWC
    /// input (`nil` in the zero padding). Images go to different cores; each writes only
    /// its own rows and pixels.
    @inline(__always)
    private static func forEachPatch(batch: Int, height: Int, width: Int, channels: Int, kernel: Int, stride: Int, padding: Int,
                                     _ body: (_ column: Int, _ pixel: Int?) -> Void) {
        let outHeight = (height + 2 * padding - kernel) / stride + 1, outWidth = (width + 2 * padding - kernel) / stride + 1
        let patch = channels * kernel * kernel
        parallelFor(batch, minimumChunk: 8) { images in
            for n in images {
                for oy in 0..<outHeight {
                    for ox in 0..<outWidth {
                        var column = ((n * outHeight + oy) * outWidth + ox) * patch
                        for ky in 0..<kernel {
                            let y = oy * stride + ky - padding
                            for kx in 0..<kernel {
                                let x = ox * stride + kx - padding
                                let inside = y >= 0 && y < height && x >= 0 && x < width
                                body(column, inside ? ((n * height + y) * width + x) * channels : nil)
                                column += channels
                            }
                        }
                    }
                }
            }
        }
    }

    /// One row per output pixel holding its receptive field, ordered (ky, kx, channel)
    /// to match the weight layout; zero outside the image.
    private static func im2col(_ input: [Float], batch: Int, height: Int, width: Int, channels: Int,
                               kernel: Int, stride: Int, padding: Int, into columns: inout [Float]) {
        let outHeight = (height + 2 * padding - kernel) / stride + 1, outWidth = (width + 2 * padding - kernel) / stride + 1
        let size = batch * outHeight * outWidth * channels * kernel * kernel
        if columns.count != size { columns = [Float](repeating: 0, count: size) }
        columns.withUnsafeMutableBufferPointer { cols in
            input.withUnsafeBufferPointer { x in
                forEachPatch(batch: batch, height: height, width: width, channels: channels, kernel: kernel, stride: stride, padding: padding) { column, pixel in
                    let destination = cols.baseAddress! + column
                    if let pixel {
                        destination.update(from: x.baseAddress! + pixel, count: channels)
                    } else {
                        destination.update(repeating: 0, count: channels)
                    }
                }
            }
        }
    }

    /// The adjoint of `im2col`: adds every column entry back onto the pixel it came from.
    private func col2im(_ columnGradient: [Float]) -> [Float] {
        let (batch, height, width, channels) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        var gradient = [Float](repeating: 0, count: inputShape.reduce(1, *))
        gradient.withUnsafeMutableBufferPointer { dx in
            columnGradient.withUnsafeBufferPointer { cols in
                Self.forEachPatch(batch: batch, height: height, width: width, channels: channels, kernel: kernel, stride: stride, padding: padding) { column, pixel in
                    guard let pixel else { return }
                    for c in 0..<channels { dx[pixel + c] += cols[column + c] }
                }
            }
        }
        return gradient
    }
}
