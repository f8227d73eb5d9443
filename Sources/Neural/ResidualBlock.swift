import DataFiles

/// The AlphaZero residual block: conv–BN–ReLU–conv–BN, plus the input, then ReLU.
public final class ResidualBlock: Layer {
    public let name: String
    /// The block's layers in order; relevance propagation walks them back.
    public let conv1: Conv2D, norm1: BatchNorm, conv2: Conv2D, norm2: BatchNorm
    let relu1: Activation, relu2: Activation

    public init(_ name: String, channels: Int, random: inout SplitMix64) {
        self.name = name
        conv1 = Conv2D("\(name).conv1", inChannels: channels, outChannels: channels, kernel: 3, bias: false, random: &random)
        norm1 = BatchNorm("\(name).bn1", channels: channels)
        relu1 = Activation("\(name).relu1", .relu)
        conv2 = Conv2D("\(name).conv2", inChannels: channels, outChannels: channels, kernel: 3, bias: false, random: &random)
        norm2 = BatchNorm("\(name).bn2", channels: channels)
        relu2 = Activation("\(name).relu2", .relu)
    }

    private var inner: [Layer] { [conv1, norm1, relu1, conv2, norm2] }
    public var parameters: [Parameter] { inner.flatMap(\.parameters) }
    public var buffers: [Parameter] { inner.flatMap(\.buffers) }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        let branch = inner.reduce(input) { $1.forward($0, mode: mode) }
        return relu2.forward(branch + input, mode: mode)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        let sumGradient = relu2.backward(outputGradient)
        let branchGradient = inner.reversed().reduce(sumGradient) { $1.backward($0) }
        return branchGradient + sumGradient
    }
}
