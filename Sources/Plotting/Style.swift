/// The one look every figure shares: the typeface, text sizes, and the greys of grids and frames.
package enum Style {
    /// Pango's name for the typeface, and the fallbacks an SVG names for viewers without it.
    package static let fontFamily = "DejaVu Sans"
    static let svgFontFamily = "'DejaVu Sans', Verdana, Arial, sans-serif"

    package static let titleSize = 14.0
    package static let bodySize = 11.0
    package static let tickSize = 9.5
    package static let smallSize = 8.0

    static let grid = Stroke(RGB(225, 225, 225), width: 0.75)
    static let axis = Stroke(RGB(60, 60, 60), width: 1)
    static let tick = Stroke(RGB(60, 60, 60), width: 0.75)
    static let tickLength = 4.0
}
