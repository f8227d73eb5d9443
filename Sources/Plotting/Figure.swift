import CPangoCairo
import DataFiles
import Foundation

/// Anything drawn once and written as PNG, SVG or PDF: a plot, a board, a grid of either.
///
/// ```swift
/// let plot = LinePlot(title: "in_check", xLabel: "step", yLabel: "ROC-AUC",
///                     series: [.init(name: "block3", points: [(0, 0.5), (1000, 0.9)], color: LinePlot.palette[0])],
///                     yRange: 0.5...1)
/// let written = try plot.write(to: "out/in_check-curves", formats: .all)   // .png, .svg, .pdf
/// ```
package protocol Figure: Sendable {
    /// The figure's size in points.
    var width: Double { get }
    var height: Double { get }
    /// Draws the figure with its top-left corner at the canvas origin.
    func draw(on canvas: some Canvas)
}

extension Figure {
    /// The figure as PNG bytes, `scale` pixels per point (2 keeps text sharp in print and on dense screens).
    package func pngData(scale: Double = 2) throws -> Data {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32((width * scale).rounded(.up)), Int32((height * scale).rounded(.up)))!
        defer { cairo_surface_destroy(surface) }
        try render(on: surface, scale: scale)
        return try CairoOutput.collect { cairo_surface_write_to_png_stream(surface, CairoOutput.append, $0) }
    }

    /// The figure as a one-page PDF, text kept as text.
    package func pdfData() throws -> Data {
        var surface: OpaquePointer?
        let data = try CairoOutput.collect { sink in
            surface = cairo_pdf_surface_create_for_stream(CairoOutput.append, sink, width, height)
            defer { cairo_surface_destroy(surface) }
            try render(on: surface!, scale: 1)
            cairo_surface_finish(surface)
            return cairo_surface_status(surface)
        }
        return data
    }

    /// The figure as an SVG document.
    package func svgDocument() -> String {
        let canvas = SVGCanvas(width: width, height: height)
        canvas.fill(Rect(x: 0, y: 0, width: width, height: height), .white)
        draw(on: canvas)
        return canvas.document
    }

    /// Writes `base.png`, `base.svg` and/or `base.pdf`, each atomically; returns the paths written.
    @discardableResult
    package func write(to base: String, formats: FigureFormats) throws -> [String] {
        try formats.members.map { format in
            let path = base + "." + format.rawValue
            let data = switch format {
            case .png: try pngData()
            case .svg: Data(svgDocument().utf8)
            case .pdf: try pdfData()
            }
            try AtomicFileWriter.write(data, to: path)
            return path
        }
    }

    private func render(on surface: OpaquePointer, scale: Double) throws {
        let context = cairo_create(surface)!
        defer { cairo_destroy(context) }
        cairo_scale(context, scale, scale)
        cairo_set_source_rgb(context, 1, 1, 1)
        cairo_paint(context)
        draw(on: CairoCanvas(context: context))
        cairo_surface_flush(surface)
        let status = cairo_status(context)
        guard status == CAIRO_STATUS_SUCCESS else { throw ImageError(reason: "cairo could not draw the figure: \(String(cString: cairo_status_to_string(status)))") }
    }
}

/// Bytes that cairo writes through its stream callbacks.
private enum CairoOutput {
    final class Sink { var data = Data() }

    static let append: cairo_write_func_t = { closure, bytes, length in
        let sink = Unmanaged<Sink>.fromOpaque(closure!).takeUnretainedValue()
        sink.data.append(bytes!, count: Int(length))
        return CAIRO_STATUS_SUCCESS
    }

    /// Runs `write` with a sink for `append`, and returns what it collected.
    static func collect(_ write: (UnsafeMutableRawPointer) throws -> cairo_status_t) throws -> Data {
        let sink = Sink()
        let status = try withExtendedLifetime(sink) { try write(Unmanaged.passUnretained(sink).toOpaque()) }
        guard status == CAIRO_STATUS_SUCCESS else { throw ImageError(reason: "cairo could not write the figure: \(String(cString: cairo_status_to_string(status)))") }
        return sink.data
    }
}
