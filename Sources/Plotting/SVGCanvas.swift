import Foundation

/// A canvas that writes SVG elements. Text becomes `<text>` in the figure's typeface,
/// placed with the same Pango metrics the cairo backend draws with; cairo's own SVG
/// surface would turn every glyph into an outline that no editor or search can read.
package final class SVGCanvas: Canvas {
    private var elements = [String]()
    private let width: Double, height: Double

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// The finished document.
    var document: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" "
            + "viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" font-family=\"\(Style.svgFontFamily)\">\n"
            + elements.joined(separator: "\n") + "\n</svg>\n"
    }

    package func fill(_ rect: Rect, _ color: RGB, cornerRadius: Double) {
        elements.append("<rect \(Self.attributes(rect, cornerRadius)) fill=\"\(color.hex)\"/>")
    }

    package func stroke(_ rect: Rect, _ stroke: Stroke, cornerRadius: Double) {
        elements.append("<rect \(Self.attributes(rect, cornerRadius)) fill=\"none\" \(Self.attributes(stroke))/>")
    }

    package func stroke(_ points: [Point], _ stroke: Stroke) {
        guard points.count > 1 else { return }
        elements.append("<polyline points=\"\(Self.list(points))\" fill=\"none\" stroke-linejoin=\"round\" \(Self.attributes(stroke))/>")
    }

    package func fill(_ points: [Point], _ color: RGB, opacity: Double) {
        guard points.count > 2 else { return }
        elements.append("<polygon points=\"\(Self.list(points))\" fill=\"\(color.hex)\"" + (opacity < 1 ? " fill-opacity=\"\(Self.number(opacity))\"" : "") + "/>")
    }

    package func fillCircle(center: Point, radius: Double, _ color: RGB) {
        elements.append("<circle cx=\"\(Self.number(center.x))\" cy=\"\(Self.number(center.y))\" r=\"\(Self.number(radius))\" fill=\"\(color.hex)\"/>")
    }

    package func text(_ text: String, at point: Point, _ style: TextStyle, quarterTurns: Int) {
        guard !text.isEmpty else { return }
        let metrics = Typesetter.measure(text, style)
        let offset = Typesetter.baselineOffset(metrics, style)
        let anchor = switch style.horizontal {
        case .start: "start"
        case .middle: "middle"
        case .end: "end"
        }
        let turn = quarterTurns == 0 ? "" : " rotate(\(-90 * quarterTurns))"
        elements.append("<text transform=\"translate(\(Self.number(point.x)),\(Self.number(point.y)))\(turn)\" y=\"\(Self.number(offset.y))\" "
                        + "font-size=\"\(Self.number(style.size))\"" + (style.bold ? " font-weight=\"bold\"" : "")
                        + " text-anchor=\"\(anchor)\" fill=\"\(style.color.hex)\">\(Self.escaped(text))</text>")
    }

    package func raster(_ pixels: [RGB], width: Int, in rect: Rect) {
        guard width > 0, !pixels.isEmpty, let png = try? RasterImage(pixels: pixels, width: width).pngData() else { return }
        elements.append("<image \(Self.attributes(rect, 0)) preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" "
                        + "href=\"data:image/png;base64,\(png.base64EncodedString())\"/>")
    }

    package func translated(x: Double, y: Double, _ body: () throws -> Void) rethrows {
        elements.append("<g transform=\"translate(\(Self.number(x)),\(Self.number(y)))\">")
        defer { elements.append("</g>") }
        try body()
    }

    package func caption(_ text: String) {
        guard var last = elements.popLast() else { return }
        if last.hasSuffix("/>") {
            let name = last.dropFirst().prefix { $0 != " " }
            last = String(last.dropLast(2)) + "><title>\(Self.escaped(text))</title></\(name)>"
        }
        elements.append(last)
    }

    private static func attributes(_ rect: Rect, _ cornerRadius: Double) -> String {
        "x=\"\(number(rect.x))\" y=\"\(number(rect.y))\" width=\"\(number(rect.width))\" height=\"\(number(rect.height))\""
            + (cornerRadius > 0 ? " rx=\"\(number(cornerRadius))\"" : "")
    }

    private static func attributes(_ stroke: Stroke) -> String {
        "stroke=\"\(stroke.color.hex)\" stroke-width=\"\(number(stroke.width))\""
            + (stroke.dash.isEmpty ? "" : " stroke-dasharray=\"\(stroke.dash.map(number).joined(separator: " "))\"")
            + (stroke.opacity < 1 ? " stroke-opacity=\"\(number(stroke.opacity))\"" : "")
    }

    private static func list(_ points: [Point]) -> String { points.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ") }

    /// A coordinate with at most two decimals, without trailing zeros.
    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%g", rounded)
    }

    static func escaped(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;").replacing("\"", with: "&quot;")
    }
}
