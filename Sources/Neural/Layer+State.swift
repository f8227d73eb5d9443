extension Layer {
    /// Every parameter and buffer by name: what a checkpoint holds.
    public var state: [String: Tensor] {
        Dictionary(uniqueKeysWithValues: (parameters + buffers).map { ($0.name, $0.value) })
    }

    /// Loads tensors saved from `state`; every tensor must be present with the right shape.
    public func load(_ tensors: [String: Tensor]) throws {
        for parameter in parameters + buffers {
            guard let tensor = tensors[parameter.name] else { throw StateError(reason: "missing tensor '\(parameter.name)'") }
            guard tensor.shape == parameter.value.shape else {
                throw StateError(reason: "tensor '\(parameter.name)' has shape \(tensor.shape), the network needs \(parameter.value.shape)")
            }
            parameter.value = tensor
        }
    }

    /// Clears every parameter's gradient.
    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }
}

/// A checkpoint that does not fit the network.
public struct StateError: Error, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
