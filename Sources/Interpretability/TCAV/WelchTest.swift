import Foundation

/// Welch's two-sample t-test (unequal variances), two-sided: whether two sets of scores
/// have different means. TCAV compares a concept's scores against random CAVs' with it.
public struct WelchTest: Codable, Sendable, Equatable {
    public let t: Double
    /// Welch–Satterthwaite degrees of freedom.
    public let degreesOfFreedom: Double
    /// Two-sided p-value.
    public let p: Double
    /// Cohen's d with the pooled standard deviation (the size of the difference, in deviations).
    public let effectSize: Double

    public init(_ a: [Double], _ b: [Double]) {
        precondition(a.count >= 2 && b.count >= 2, "a t-test needs two values a side")
        let (ma, va) = Self.meanAndVariance(a), (mb, vb) = Self.meanAndVariance(b)
        let (na, nb) = (Double(a.count), Double(b.count))
        let standardError = (va / na + vb / nb).squareRoot()
        let pooled = (((na - 1) * va + (nb - 1) * vb) / (na + nb - 2)).squareRoot()
        effectSize = pooled > 0 ? (ma - mb) / pooled : ma == mb ? 0 : ma > mb ? .infinity : -.infinity
        guard standardError > 0 else {
            // Both sets constant: the means are equal (p = 1) or certainly different (p = 0).
            t = ma == mb ? 0 : (ma > mb ? .infinity : -.infinity)
            degreesOfFreedom = na + nb - 2
            p = ma == mb ? 1 : 0
            return
        }
        t = (ma - mb) / standardError
        let numerator = (va / na + vb / nb) * (va / na + vb / nb)
        degreesOfFreedom = numerator / ((va / na) * (va / na) / (na - 1) + (vb / nb) * (vb / nb) / (nb - 1))
        p = Self.twoSidedP(t: t, degreesOfFreedom: degreesOfFreedom)
    }

    /// P(|T| ≥ |t|) for Student's t with ν degrees of freedom: I_{ν/(ν+t²)}(ν/2, ½).
    static func twoSidedP(t: Double, degreesOfFreedom ν: Double) -> Double {
        regularizedIncompleteBeta(x: ν / (ν + t * t), a: ν / 2, b: 0.5)
    }

    /// I_x(a, b) by its continued fraction (modified Lentz), using the symmetry
    /// I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
    static func regularizedIncompleteBeta(x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        if x > (a + 1) / (a + b + 2) { return 1 - regularizedIncompleteBeta(x: 1 - x, a: b, b: a) }
        let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logFront: Double = logGammas + a * log(x) + b * log(1 - x)
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        d = 1 / (abs(d) < tiny ? tiny : d)
        var fraction = d
        for m in 1...300 {
            let m = Double(m)
            let even: Double = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            let odd: Double = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            for numerator in [even, odd] {
                d = 1 + numerator * d
                d = 1 / (abs(d) < tiny ? tiny : d)
                c = 1 + numerator / c
                if abs(c) < tiny { c = tiny }
                fraction *= c * d
            }
            if abs(c * d - 1) < 1e-15 { break }
        }
        return exp(logFront) * fraction / a
    }

    static func meanAndVariance(_ values: [Double]) -> (mean: Double, variance: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        return (mean, values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1))
    }
}
