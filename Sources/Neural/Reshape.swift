/// Reshapes each sample (keeping the batch dimension): flatten is `Reshape(name, to: [n])`.
public final class Reshape: Layer {
    public let name: String
    public let sampleShape: [Int]
    private var inputShape = [Int]()

    public init(_ name: String, to sampleShape: [Int]) {
        self.name = name
        self.sampleShape = sampleShape
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        precondition(input.rowSize == sampleShape.reduce(1, *), "\(name) cannot reshape \(input.shape) to \(sampleShape) per sample")
        inputShape = input.shape
        return input.reshaped([input.rows] + sampleShape)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        outputGradient.reshaped(inputShape)
    }
}
