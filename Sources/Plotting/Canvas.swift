/// A point in a figure's coordinates: points (1/72 inch), y growing downwards.
package struct Point: Equatable, Sendable {
    package var x: Double, y: Double
    package init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// A rectangle in a figure's coordinates.
package struct Rect: Equatable, Sendable {
    package var x: Double, y: Double, width: Double, height: Double
    package init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// How a line is drawn.
package struct Stroke: Sendable {
    package var color: RGB
    package var width: Double
    /// Dash and gap lengths, repeated; empty for a solid line.
    package var dash: [Double]
    package var opacity: Double

    package init(_ color: RGB, width: Double = 1, dash: [Double] = [], opacity: Double = 1) {
        self.color = color
        self.width = width
        self.dash = dash
        self.opacity = opacity
    }
}

/// How a text is set: size in points, weight and colour, and which point of the text an
/// anchor names.
package struct TextStyle: Sendable {
    package enum Horizontal: Sendable { case start, middle, end }
    package enum Vertical: Sendable { case top, middle, baseline, bottom }

    package var size: Double
    package var bold: Bool
    package var color: RGB
    package var horizontal: Horizontal
    package var vertical: Vertical

    package init(size: Double = Style.bodySize, bold: Bool = false, color: RGB = .black,
                 horizontal: Horizontal = .start, vertical: Vertical = .baseline) {
        self.size = size
        self.bold = bold
        self.color = color
        self.horizontal = horizontal
        self.vertical = vertical
    }

    /// The same style anchored differently.
    package func anchored(_ horizontal: Horizontal, _ vertical: Vertical) -> TextStyle {
        var style = self
        style.horizontal = horizontal
        style.vertical = vertical
        return style
    }
}

/// What figures draw on. One drawing routine serves every output: `CairoCanvas` renders
/// it to PNG and PDF, `SVGCanvas` writes it as SVG elements, so the text of an SVG figure
/// stays text that an editor or a search can find.
package protocol Canvas: AnyObject {
    func fill(_ rect: Rect, _ color: RGB, cornerRadius: Double)
    func stroke(_ rect: Rect, _ stroke: Stroke, cornerRadius: Double)
    /// A line through `points` in order.
    func stroke(_ points: [Point], _ stroke: Stroke)
    /// A closed polygon, filled.
    func fill(_ points: [Point], _ color: RGB, opacity: Double)
    func fillCircle(center: Point, radius: Double, _ color: RGB)
    /// `text` on one line, its anchor at `point`, turned `rotation` quarter turns anticlockwise.
    func text(_ text: String, at point: Point, _ style: TextStyle, quarterTurns: Int)
    /// A raster (row-major RGB, `width` pixels wide) scaled into `rect` without smoothing.
    func raster(_ pixels: [RGB], width: Int, in rect: Rect)
    /// A caption for the element drawn last, shown on hover where the format holds one (SVG's `<title>`).
    func caption(_ text: String)
    /// Draws `body` with the origin moved to (x, y): how small multiples are assembled.
    func translated(x: Double, y: Double, _ body: () throws -> Void) rethrows
}

extension Canvas {
    package func fill(_ rect: Rect, _ color: RGB) { fill(rect, color, cornerRadius: 0) }
    package func stroke(_ rect: Rect, _ stroke: Stroke) { self.stroke(rect, stroke, cornerRadius: 0) }
    package func text(_ text: String, at point: Point, _ style: TextStyle) { self.text(text, at: point, style, quarterTurns: 0) }
    package func line(_ from: Point, _ to: Point, _ stroke: Stroke) { self.stroke([from, to], stroke) }

    /// Draws `figure` with its top-left corner at (x, y).
    package func draw(_ figure: some Figure, x: Double, y: Double) {
        translated(x: x, y: y) { figure.draw(on: self) }
    }
}
