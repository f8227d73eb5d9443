/// Nearest-neighbour upsampling of NHWC maps by an integer factor; followed by a
/// convolution it is the decoder's "upsampling convolution".
public final class Upsample: Layer {
    public let name: String
    public let factor: Int
    private var inputShape = [Int]()

    public init(_ name: String, factor: Int) {
        self.name = name
        self.factor = factor
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        inputShape = input.shape
        let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        var output = Tensor(shape: [n, h * factor, w * factor, c])
        for image in 0..<n {
            for y in 0..<(h * factor) {
                for x in 0..<(w * factor) {
                    let source = ((image * h + y / factor) * w + x / factor) * c
                    let target = ((image * h * factor + y) * w * factor + x) * c
                    for channel in 0..<c { output.storage[target + channel] = input.storage[source + channel] }
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        let (n, h, w, c) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        var gradient = Tensor(shape: inputShape)
        for image in 0..<n {
            for y in 0..<(h * factor) {
                for x in 0..<(w * factor) {
                    let target = ((image * h + y / factor) * w + x / factor) * c
                    let source = ((image * h * factor + y) * w * factor + x) * c
                    for channel in 0..<c { gradient.storage[target + channel] += outputGradient.storage[source + channel] }
                }
            }
        }
        return gradient
    }
}
