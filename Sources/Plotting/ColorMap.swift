/// A sequential colour map for scores: dark blue through teal and green to pale
/// yellow, with lightness rising steadily so that order reads the same in grey and
/// for colour-blind readers.
package enum ColorMap {
    /// Anchor colours at even steps of t, lightness increasing.
    static let anchors: [(Double, Double, Double)] = [
        (32, 24, 78), (46, 66, 136), (36, 112, 142), (38, 152, 130), (92, 186, 96), (178, 212, 72), (246, 232, 120),
    ]

    /// The colour of `t` in [0, 1] (clamped).
    package static func color(_ t: Double) -> RGB {
        let clamped = t.isNaN ? 0 : min(1, max(0, t))
        let position = clamped * Double(anchors.count - 1)
        let index = min(Int(position), anchors.count - 2)
        let fraction = position - Double(index)
        let (a, b) = (anchors[index], anchors[index + 1])
        func mix(_ x: Double, _ y: Double) -> UInt8 { UInt8((x + (y - x) * fraction).rounded()) }
        return RGB(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// A diverging colour for signed values: blue for −1 through white at 0 to red for +1
    /// (clamped), for relevance and other quantities whose sign matters.
    package static func diverging(_ t: Double) -> RGB {
        let clamped = t.isNaN ? 0 : min(1, max(-1, t))
        let end: (Double, Double, Double) = clamped < 0 ? (59, 76, 192) : (180, 4, 38)
        let amount = abs(clamped)
        func mix(_ x: Double) -> UInt8 { UInt8((255 + (x - 255) * amount).rounded()) }
        return RGB(mix(end.0), mix(end.1), mix(end.2))
    }

    /// Relative luminance (0–255) of a colour, for checking the map's ordering.
    static func luminance(_ color: RGB) -> Double {
        0.2126 * Double(color.red) + 0.7152 * Double(color.green) + 0.0722 * Double(color.blue)
    }
}
