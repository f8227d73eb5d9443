import NeuralKernels
import DataFiles
import Dispatch
import Foundation

/// A 2-D convolution over NHWC feature maps.
///
/// Size-preserving stride-1 convolutions (odd kernel, padding `kernel / 2`: every
/// layer of the chess network) run on the kernels of `NeuralKernels`, with no im2col
/// matrix: 3×3 ones on maps of even size by Winograd's F(2×2, 3×3) straight from the
/// map, the others as direct register-blocked sums over a zero-bordered copy (none for
/// 1×1 on whole vectors of channels). The rest (strided encoders) run as one matrix
/// product per batch over im2col columns.
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
    // Kept for the weight gradient: the input (what Winograd reads), the direct kernel's
    // bordered copy or the im2col columns. The buffers are reused from step to step:
    // they are the largest arrays of a training step.
    private var input = Tensor(shape: [0])
    private var borderedInput = [Float]()
    private var borderedGradient = [Float]()
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
    /// Channels read from the input's last axis.
    public var inChannels: Int { weight.value.shape[3] }
    /// Channels written.
    public var outChannels: Int { weight.value.shape[0] }
    private var patch: Int { inChannels * kernel * kernel }

    /// How a convolution of this layer runs on a map of the given size.
    private enum Method {
        /// Winograd F(2×2, 3×3): 3×3, stride 1, padding 1, even height and width.
        case winograd
        /// The direct kernel: stride 1, odd kernel, padding `kernel / 2`.
        case direct
        /// im2col and one matrix product: everything else.
        case im2col
    }

    /// Size-preserving stride-1 convolutions have an adjoint of the same kind (∂output
    /// convolved with the weights rotated by 180° and transposed in channels), so both
    /// passes run on the same kernel.
    private func method(height: Int, width: Int) -> Method {
        guard stride == 1 && kernel % 2 == 1 && 2 * padding == kernel - 1 else { return .im2col }
        return kernel == 3 && height % 2 == 0 && width % 2 == 0 ? .winograd : .direct
    }

    func outputSize(_ size: Int) -> Int { (size + 2 * padding - kernel) / stride + 1 }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        self.input = input
        inputShape = input.shape
        return convolution(input, weights: weight.value.storage, bias: bias?.value.storage, bordered: &borderedInput, columns: &columns)
    }

    /// The convolution of `input` with `weights` (OHWI, this layer's shape) and `bias`,
    /// keeping the bordered copy or the im2col columns in the buffers given.
    private func convolution(_ input: Tensor, weights: [Float], bias: [Float]?, bordered: inout [Float], columns: inout [Float]) -> Tensor {
        precondition(input.shape.count == 4 && input.shape[3] == inChannels, "\(name) expects NHWC with \(inChannels) channels, got \(input.shape)")
        let (batch, height, width) = (input.shape[0], input.shape[1], input.shape[2])
        let method = method(height: height, width: width)
        if method != .im2col {
            let border = needsBorder(method, channels: inChannels)
            if border {
                Self.border(input.storage, batch: batch, height: height, width: width, channels: inChannels, kernel: kernel, into: &bordered)
            }
            var output = Tensor.uninitialized(shape: [batch, height, width, outChannels])
            Self.convolve(border ? bordered : input.storage, method: method, batch: batch, height: height, width: width, inChannels: inChannels,
                          weights: weights, kernel: kernel, outChannels: outChannels, adjoint: false,
                          bias: bias, into: &output.storage)
            return output
        }
        let (outHeight, outWidth) = (outputSize(height), outputSize(width))
        let pixels = batch * outHeight * outWidth
        Self.im2col(input.storage, batch: batch, height: height, width: width, channels: inChannels,
                    kernel: kernel, stride: stride, padding: padding, into: &columns)
        var output = Tensor(shape: [batch, outHeight, outWidth, outChannels])
        output.storage.withUnsafeMutableBufferPointer { out in
            if let bias {
                for pixel in 0..<pixels { for channel in 0..<outChannels { out[pixel * outChannels + channel] = bias[channel] } }
            }
            columns.withUnsafeBufferPointer { cols in
                weights.withUnsafeBufferPointer { w in
                    BLAS.gemm(cols.baseAddress!, w.baseAddress!, transposeB: true, out.baseAddress!,
                              m: pixels, n: outChannels, k: patch, beta: bias == nil ? 0 : 1)
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        if let bias { bias.gradient.add(Tensor(shape: [outChannels], outputGradient.channelSums(channels: outChannels))) }
        let method = method(height: inputShape[1], width: inputShape[2])
        if method == .im2col {
            addIm2colWeightGradient(outputGradient)
        } else {
            addWeightGradient(outputGradient, method: method, batch: inputShape[0], height: inputShape[1], width: inputShape[2])
        }
        return adjointConvolution(outputGradient, weights: weight.value.storage, inputShape: inputShape,
                                  bordered: &borderedGradient, columns: &columnGradient)
    }

    /// The adjoint convolution of `gradient` with `weights`: ∂⟨gradient, conv(x)⟩/∂x for
    /// an input x of `inputShape`, with the buffers given for its bordered copy or columns.
    private func adjointConvolution(_ gradient: Tensor, weights: [Float], inputShape: [Int],
                                    bordered: inout [Float], columns: inout [Float]) -> Tensor {
        let (batch, height, width) = (inputShape[0], inputShape[1], inputShape[2])
        let method = method(height: height, width: width)
        guard method != .im2col else {
            let pixels = gradient.rows * gradient.shape[1] * gradient.shape[2]
            if columns.count != pixels * patch { columns = [Float](repeating: 0, count: pixels * patch) }
            gradient.storage.withUnsafeBufferPointer { dy in
                weights.withUnsafeBufferPointer { w in
                    columns.withUnsafeMutableBufferPointer { dcols in
                        BLAS.gemm(dy.baseAddress!, w.baseAddress!, dcols.baseAddress!, m: pixels, n: patch, k: outChannels)
                    }
                }
            }
            return Tensor(shape: inputShape, col2im(columns, shape: inputShape))
        }
        let gradientNeedsBorder = needsBorder(method, channels: outChannels)
        if gradientNeedsBorder {
            Self.border(gradient.storage, batch: batch, height: height, width: width, channels: outChannels, kernel: kernel, into: &bordered)
        }
        var inputGradient = Tensor.uninitialized(shape: inputShape)
        Self.convolve(gradientNeedsBorder ? bordered : gradient.storage, method: method, batch: batch, height: height,
                      width: width, inChannels: outChannels, weights: weights, kernel: kernel, outChannels: inChannels,
                      adjoint: true, bias: nil, into: &inputGradient.storage)
        return inputGradient
    }

    /// Whether the kernel needs a bordered copy of a map with `channels` channels: Winograd
    /// reads maps as they are, and so does the direct kernel when the copy would equal
    /// the map (1×1, no border, channels already a multiple of 16).
    private func needsBorder(_ method: Method, channels: Int) -> Bool {
        method == .direct && !(kernel == 1 && channels == ck_padded_channels(channels))
    }

    /// What the kernels read of the last input: the map itself, or its bordered copy.
    private func savedMap(_ method: Method) -> [Float] { needsBorder(method, channels: inChannels) ? borderedInput : input.storage }

    /// ∂weight from the last input: each share of the images is summed into its own
    /// accumulator (four shares a core, taken as cores come free, so that a slower core
    /// does less), and the shares are then added into the OHWI gradient.
    private func addWeightGradient(_ outputGradient: Tensor, method: Method, batch: Int, height: Int, width: Int) {
        let paddedChannels = ck_padded_channels(inChannels)
        let (k, cin, cout) = (kernel, inChannels, outChannels)
        let size = method == .winograd ? ck_winograd_weight_count(cout, cin) : cout * k * k * paddedChannels
        let parts = max(1, min(4 * processorCount, batch / 8))
        var accumulators = [Float](repeating: 0, count: parts * size)
        accumulators.withUnsafeMutableBufferPointer { accumulators in
            savedMap(method).withUnsafeBufferPointer { map in
                outputGradient.storage.withUnsafeBufferPointer { dy in
                    nonisolated(unsafe) let (accumulators, map, dy) = (accumulators.baseAddress!, map.baseAddress!, dy.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                        let (first, end) = (part * batch / parts, (part + 1) * batch / parts)
                        if method == .winograd {
                            ck_winograd_weight_gradient(map, dy, height, width, cin, cout, first, end, accumulators + part * size)
                        } else {
                            ck_weight_gradient(map, dy, height, width, paddedChannels, k, cout, first, end, accumulators + part * size)
                        }
                    }
                }
            }
            for part in 1..<parts {
                for index in 0..<size { accumulators[index] += accumulators[part * size + index] }
            }
        }
        weight.gradient.storage.withUnsafeMutableBufferPointer { dw in
            if method == .winograd {
                ck_winograd_finish_weight_gradient(accumulators, cout, cin, dw.baseAddress!)
                return
            }
            // Drop the channel padding.
            for row in 0..<(cout * k * k) {
                for i in 0..<cin { dw[row * cin + i] += accumulators[row * paddedChannels + i] }
            }
        }
    }

    /// ∂weight from the last input's im2col columns.
    private func addIm2colWeightGradient(_ outputGradient: Tensor) {
        let pixels = outputGradient.rows * outputGradient.shape[1] * outputGradient.shape[2]
        outputGradient.storage.withUnsafeBufferPointer { dy in
            columns.withUnsafeBufferPointer { cols in
                weight.gradient.storage.withUnsafeMutableBufferPointer { dw in
                    BLAS.gemm(dy.baseAddress!, transposeA: true, cols.baseAddress!, dw.baseAddress!, m: outChannels, n: patch, k: pixels, beta: 1)
                }
            }
        }
    }

    /// Copies an NHWC map into the kernels' layout: a zero border of `kernel / 2` pixels
    /// and channels zero-filled to a multiple of 16. Images go to different cores.
    private static func border(_ values: [Float], batch: Int, height: Int, width: Int, channels: Int, kernel: Int,
                               into bordered: inout [Float]) {
        let edge = kernel / 2, paddedChannels = ck_padded_channels(channels)
        let size = batch * (height + 2 * edge) * (width + 2 * edge) * paddedChannels
        if bordered.count != size { bordered = [Float](repeating: 0, count: size) }
        values.withUnsafeBufferPointer { x in
            bordered.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let (x, out) = (x.baseAddress!, out.baseAddress!)
                parallelFor(batch, minimumChunk: 16) { images in
                    ck_pad(x, images.lowerBound, images.upperBound, height, width, channels, edge, paddedChannels, out)
                }
            }
        }
    }

    /// Convolves `map` (the NHWC map, or its bordered copy where `needsBorder`; `inChannels`
    /// real channels) with OHWI `weights`, or with
    /// (`adjoint`) the adjoint convolution whose outputs are the weights' input channels:
    /// weights transformed or packed for the kernel, then images or pixels split across
    /// the cores, taken as cores come free.
    private static func convolve(_ map: [Float], method: Method, batch: Int, height: Int, width: Int, inChannels: Int,
                                 weights: [Float], kernel: Int, outChannels: Int, adjoint: Bool, bias: [Float]?,
                                 into output: inout [Float]) {
        let paddedChannels = ck_padded_channels(inChannels)
        // The OHWI array holds [outChannels][k][k][inChannels] of the forward convolution.
        let (weightOut, weightIn) = adjoint ? (inChannels, outChannels) : (outChannels, inChannels)
        let prepared = method == .winograd
            ? [Float](unsafeUninitializedCapacity: ck_winograd_weight_count(outChannels, inChannels)) { buffer, count in
                ck_winograd_weights(weights, weightOut, weightIn, adjoint ? 1 : 0, buffer.baseAddress!)
                count = buffer.count
            }
            : [Float](unsafeUninitializedCapacity: ck_packed_count(outChannels, kernel, paddedChannels)) { buffer, count in
                ck_pack_weights(weights, weightOut, kernel, weightIn, adjoint ? 1 : 0, paddedChannels, buffer.baseAddress!)
                count = buffer.count
            }
        map.withUnsafeBufferPointer { map in
            prepared.withUnsafeBufferPointer { prepared in
                output.withUnsafeMutableBufferPointer { out in
                    nonisolated(unsafe) let (map, prepared, out) = (map.baseAddress!, prepared.baseAddress!, out.baseAddress!)
                    func run(_ bias: UnsafePointer<Float>?) {
                        nonisolated(unsafe) let bias = bias
                        if method == .winograd {
                            parallelFor(batch, minimumChunk: 6, chunksPerCore: 4) { images in
                                ck_winograd_convolve(map, height, width, inChannels, prepared, outChannels, bias, out,
                                                     images.lowerBound, images.upperBound)
                            }
                        } else {
                            parallelFor(batch * height * width, minimumChunk: 512, chunksPerCore: 4) { pixels in
                                ck_convolve(map, height, width, paddedChannels, kernel, prepared, outChannels, bias, out,
                                            pixels.lowerBound, pixels.upperBound)
                            }
                        }
                    }
                    if let bias { bias.withUnsafeBufferPointer { run($0.baseAddress!) } } else { run(nil) }
                }
            }
        }
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
    private func col2im(_ columnGradient: [Float], shape: [Int]) -> [Float] {
        let (batch, height, width, channels) = (shape[0], shape[1], shape[2], shape[3])
        var gradient = [Float](repeating: 0, count: shape.reduce(1, *))
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

extension Conv2D: AffineLayer {
    public var biasParameter: Parameter? { bias }

    public func applied(_ input: Tensor, weights: [Float], bias: [Float]?) -> Tensor {
        var bordered = [Float](), columns = [Float]()
        return convolution(input, weights: weights, bias: bias, bordered: &bordered, columns: &columns)
    }

    public func adjoint(_ gradient: Tensor, weights: [Float], inputShape: [Int]) -> Tensor {
        var bordered = [Float](), columns = [Float]()
        return adjointConvolution(gradient, weights: weights, inputShape: inputShape, bordered: &bordered, columns: &columns)
    }
}
