import DataFiles
@testable import Neural
import Testing

/// Finite-difference checks of analytic gradients, for inputs and parameters.
enum GradientCheck {
    static func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        var random = SplitMix64(seed: seed)
        return Tensor(shape: shape, (0..<shape.reduce(1, *)).map { _ in Float(random.nextUnit() * 2 - 1) * scale })
    }

    /// Checks `layer` on `input` for the scalar loss Σ G ⊙ layer(x), G fixed and random.
    /// At most `samples` coordinates of the input and of each parameter are probed.
    static func check(_ layer: Layer, input: Tensor, mode: Mode = .training, samples: Int = 40,
                      step: Float = 1e-2, tolerance: Float = 2e-2, sourceLocation: SourceLocation = #_sourceLocation) {
        let output = layer.forward(input, mode: mode)
        let upstream = randomTensor(output.shape, seed: 99)
        func loss(_ x: Tensor) -> Double {
            let y = layer.forward(x, mode: mode)
            return zip(y.storage, upstream.storage).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        layer.zeroGradients()
        _ = layer.forward(input, mode: mode)
        let inputGradient = layer.backward(upstream)
        let parameterGradients = layer.parameters.map(\.gradient)

        // A central difference that straddles a ReLU kink is wrong for that step only, so a
        // mismatch is retried with smaller steps; a wrong gradient disagrees at every step.
        func compare(_ analytic: Float, _ what: String, numeric: (Float) -> Double) {
            var numbers = [Double]()
            for h in [step, step / 4, step / 16] {
                let value = numeric(h)
                numbers.append(value)
                if abs(Double(analytic) - value) / max(1e-2, abs(Double(analytic)) + abs(value)) < Double(tolerance) { return }
            }
            Issue.record("\(layer.name) \(what): analytic \(analytic), numeric \(numbers)", sourceLocation: sourceLocation)
        }
        for index in stride(from: 0, to: input.count, by: max(1, input.count / samples)) {
            compare(inputGradient.storage[index], "∂input[\(index)]") { h in
                var plus = input, minus = input
                plus.storage[index] += h
                minus.storage[index] -= h
                return (loss(plus) - loss(minus)) / Double(2 * h)
            }
        }
        for (parameter, gradient) in zip(layer.parameters, parameterGradients) {
            for index in stride(from: 0, to: parameter.value.count, by: max(1, parameter.value.count / samples)) {
                compare(gradient.storage[index], "∂\(parameter.name)[\(index)]") { h in
                    let original = parameter.value.storage[index]
                    parameter.value.storage[index] = original + h
                    let up = loss(input)
                    parameter.value.storage[index] = original - h
                    let down = loss(input)
                    parameter.value.storage[index] = original
                    return (up - down) / Double(2 * h)
                }
            }
        }
    }

    /// Checks a loss's gradient with respect to its predictions.
    static func checkLoss(_ predictions: Tensor, step: Float = 1e-2, tolerance: Double = 2e-2,
                          _ loss: (Tensor) -> (loss: Float, gradient: Tensor), sourceLocation: SourceLocation = #_sourceLocation) {
        let analytic = loss(predictions).gradient
        for index in 0..<predictions.count {
            var plus = predictions, minus = predictions
            plus.storage[index] += step
            minus.storage[index] -= step
            let numeric = (Double(loss(plus).loss) - Double(loss(minus).loss)) / Double(2 * step)
            let error = abs(Double(analytic.storage[index]) - numeric) / max(1e-2, abs(Double(analytic.storage[index])) + abs(numeric))
            #expect(error < tolerance, "∂loss/∂prediction[\(index)]: analytic \(analytic.storage[index]), numeric \(numeric)", sourceLocation: sourceLocation)
        }
    }
}
