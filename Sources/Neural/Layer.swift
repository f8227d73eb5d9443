/// Whether a forward pass trains (batch statistics, dropout) or infers.
public enum Mode: Sendable {
    case training, inference
}

/// A differentiable building block: forward computes the output and keeps what
/// backward needs; backward takes ∂loss/∂output, accumulates ∂loss/∂parameters,
/// and returns ∂loss/∂input.
public protocol Layer: AnyObject {
    /// The layer's name, unique within its network; parameters and activations use it.
    var name: String { get }
    /// Trainable parameters, named `<layer>.<parameter>`.
    var parameters: [Parameter] { get }
    /// Non-trainable state saved with checkpoints (batch-norm running statistics).
    var buffers: [Parameter] { get }
    func forward(_ input: Tensor, mode: Mode) -> Tensor
    func backward(_ outputGradient: Tensor) -> Tensor
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var buffers: [Parameter] { [] }
}
