import Foundation

/// A numeric axis: its span, how values map onto it, and where its ticks go. Linear axes
/// tick at round steps (1, 2, 2.5 or 5 × 10ᵏ); logarithmic ones at powers of ten with
/// unlabelled minor ticks between, on log₁₀(1 + x) so that step 0 sits beside step 1000.
package struct Axis: Sendable {
    package let range: ClosedRange<Double>
    package let logarithmic: Bool

    package init(_ range: ClosedRange<Double>, logarithmic: Bool = false) {
        let span = range.upperBound - range.lowerBound
        self.range = span > 0 ? range : range.lowerBound...(range.lowerBound + max(abs(range.lowerBound), 1))
        self.logarithmic = logarithmic
    }

    /// The axis from the data's own ends; a linear one widened to round ticks.
    package init(spanning values: [Double], logarithmic: Bool = false, includingZero: Bool = false) {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if includingZero { (low, high) = (min(low, 0), max(high, 0)) }
        if logarithmic { low = max(low, 0) }
        self.init(low...max(high, low), logarithmic: logarithmic)
    }

    private func transformed(_ value: Double) -> Double { logarithmic ? log10(1 + max(value, 0)) : value }

    /// Where `value` falls, from 0 at the lower end to 1 at the upper (clamped).
    package func fraction(_ value: Double) -> Double {
        let (low, high) = (transformed(range.lowerBound), transformed(range.upperBound))
        return min(1, max(0, (transformed(value) - low) / (high - low)))
    }

    /// Labelled ticks inside the range.
    package var majorTicks: [Double] {
        if logarithmic {
            var ticks = range.lowerBound <= 0 ? [0.0] : []
            var power = 1.0
            while power <= range.upperBound * 1.000001 {
                if power >= range.lowerBound { ticks.append(power) }
                power *= 10
            }
            return ticks
        }
        let step = Self.roundStep((range.upperBound - range.lowerBound) / 5)
        let first = (range.lowerBound / step - 1e-9).rounded(.up)
        return stride(from: first, through: range.upperBound / step + 1e-9, by: 1).map { ($0 * step * 1e9).rounded() / 1e9 + 0 }  // + 0 turns −0 into 0
    }

    /// Unlabelled ticks: 2…9 × 10ᵏ on a log axis, none on a linear one.
    package var minorTicks: [Double] {
        guard logarithmic else { return [] }
        var ticks = [Double]()
        var power = 1.0
        while power <= range.upperBound {
            for multiple in 2...9 where Double(multiple) * power >= range.lowerBound && Double(multiple) * power <= range.upperBound {
                ticks.append(Double(multiple) * power)
            }
            power *= 10
        }
        return ticks
    }

    /// A tick's label: thousands as `12k` and millions as `3M`, others with as many decimals as the tick step needs.
    package func label(_ value: Double) -> String {
        if abs(value) >= 1_000_000 { return Self.trimmed(value / 1_000_000, decimals: 1) + "M" }
        if abs(value) >= 1000 { return Self.trimmed(value / 1000, decimals: 1) + "k" }
        if logarithmic { return Self.trimmed(value, decimals: 0) }
        let step = Self.roundStep((range.upperBound - range.lowerBound) / 5)
        let exponent = Int(log10(step).rounded(.down))
        let twoAndAHalf = abs(step / pow(10, Double(exponent)) - 2.5) < 1e-6
        return String(format: "%.\(min(6, max(0, -exponent + (twoAndAHalf ? 1 : 0))))f", value)
    }

    /// The round number (1, 2, 2.5 or 5 × 10ᵏ) nearest above `raw`.
    static func roundStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow(10, log10(raw).rounded(.down))
        let mantissa = raw / power
        let nice = [1, 2, 2.5, 5, 10].first { mantissa <= $0 * 1.000001 }!
        return nice * power
    }

    private static func trimmed(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") { while text.hasSuffix("0") { text.removeLast() }; if text.hasSuffix(".") { text.removeLast() } }
        return text
    }
}
