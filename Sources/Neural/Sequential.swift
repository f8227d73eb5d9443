/// Layers applied in order, addressable by name: the forward pass can hand back any
/// layer's output, and the backward pass can start at any layer.
public final class Sequential: Layer {
    public let name: String
    public private(set) var layers: [Layer]

    public init(_ name: String, _ layers: [Layer]) {
        precondition(Set(layers.map(\.name)).count == layers.count, "layer names in \(name) must be unique")
        self.name = name
        self.layers = layers
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var buffers: [Parameter] { layers.flatMap(\.buffers) }
    public var layerNames: [String] { layers.map(\.name) }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        layers.reduce(input) { $1.forward($0, mode: mode) }
    }

    /// The forward pass, also returning the outputs of the layers named in `capture`.
    public func forward(_ input: Tensor, mode: Mode, capture: Set<String>) -> (output: Tensor, activations: [String: Tensor]) {
        forward(input, mode: mode, through: layers.last!.name, capture: capture)
    }

    /// The forward pass up to and including the layer `last` (the network prefix a probe reads).
    public func forward(_ input: Tensor, mode: Mode, through last: String) -> Tensor {
        forward(input, mode: mode, through: last, capture: []).output
    }

    /// The forward pass up to and including `last`, also returning the outputs of the layers in `capture`.
    public func forward(_ input: Tensor, mode: Mode, through last: String, capture: Set<String>) -> (output: Tensor, activations: [String: Tensor]) {
        guard let end = layers.firstIndex(where: { $0.name == last }) else { preconditionFailure("no layer \(last) in \(name)") }
        var activations = [String: Tensor]()
        var current = input
        for layer in layers[...end] {
            current = layer.forward(current, mode: mode)
            if capture.contains(layer.name) { activations[layer.name] = current }
        }
        return (current, activations)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        layers.reversed().reduce(outputGradient) { $1.backward($0) }
    }

    /// Backward from the output to the output of layer `stop` (after a forward pass
    /// through the whole sequence): ∂loss/∂(output of `stop`).
    public func backward(_ outputGradient: Tensor, downTo stop: String) -> Tensor {
        guard let index = layers.firstIndex(where: { $0.name == stop }) else { preconditionFailure("no layer \(stop) in \(name)") }
        return layers[(index + 1)...].reversed().reduce(outputGradient) { $1.backward($0) }
    }

    /// Backward from the output of layer `start` (after a forward pass through it) to the input.
    public func backward(from start: String, _ gradient: Tensor) -> Tensor {
        guard let end = layers.firstIndex(where: { $0.name == start }) else { preconditionFailure("no layer \(start) in \(name)") }
        return layers[...end].reversed().reduce(gradient) { $1.backward($0) }
    }
}
