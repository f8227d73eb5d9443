/// A trainable tensor and the gradient accumulated for it by `backward`.
public final class Parameter {
    public let name: String
    public var value: Tensor
    public var gradient: Tensor

    public init(_ name: String, _ value: Tensor) {
        self.name = name
        self.value = value
        gradient = Tensor(shape: value.shape)
    }

    /// Clears the accumulated gradient.
    public func zeroGradient() {
        gradient.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
