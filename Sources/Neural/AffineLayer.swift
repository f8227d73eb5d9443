/// A layer that is an affine map of its input, y = W·x + b (a convolution, a dense
/// layer): what relevance rules re-weight. Besides its own forward and backward passes
/// it computes the same map with other weights, and that map's adjoint, keeping no
/// state, so that several threads may share it.
public protocol AffineLayer: Layer {
    /// W, in the layer's own layout.
    var weight: Parameter { get }
    /// b, if the layer has one.
    var biasParameter: Parameter? { get }
    /// The layer's map with `weights` (W's shape) and `bias` in place of its own.
    func applied(_ input: Tensor, weights: [Float], bias: [Float]?) -> Tensor
    /// The adjoint of the linear part with `weights`: Wᵀ·gradient, for an input of `inputShape`.
    func adjoint(_ gradient: Tensor, weights: [Float], inputShape: [Int]) -> Tensor
}
