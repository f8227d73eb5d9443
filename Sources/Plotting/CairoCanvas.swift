import CPangoCairo
import Foundation

/// A canvas over a cairo context: the PNG and PDF backends. Text goes through Pango, so it
/// is anti-aliased in a PNG and stays selectable text in a PDF.
package final class CairoCanvas: Canvas {
    private let context: OpaquePointer

    /// Draws on `context`, which the caller owns.
    init(context: OpaquePointer) {
        self.context = context
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
    }

    private func setColor(_ color: RGB, opacity: Double = 1) {
        cairo_set_source_rgba(context, Double(color.red) / 255, Double(color.green) / 255, Double(color.blue) / 255, opacity)
    }

    private func path(_ rect: Rect, cornerRadius: Double) {
        guard cornerRadius > 0 else { return cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height) }
        let r = min(cornerRadius, rect.width / 2, rect.height / 2)
        cairo_new_sub_path(context)
        cairo_arc(context, rect.x + rect.width - r, rect.y + r, r, -.pi / 2, 0)
        cairo_arc(context, rect.x + rect.width - r, rect.y + rect.height - r, r, 0, .pi / 2)
        cairo_arc(context, rect.x + r, rect.y + rect.height - r, r, .pi / 2, .pi)
        cairo_arc(context, rect.x + r, rect.y + r, r, .pi, 3 * .pi / 2)
        cairo_close_path(context)
    }

    private func apply(_ stroke: Stroke) {
        setColor(stroke.color, opacity: stroke.opacity)
        cairo_set_line_width(context, stroke.width)
        cairo_set_dash(context, stroke.dash, Int32(stroke.dash.count), 0)
    }

    package func fill(_ rect: Rect, _ color: RGB, cornerRadius: Double) {
        path(rect, cornerRadius: cornerRadius)
        setColor(color)
        cairo_fill(context)
    }

    package func stroke(_ rect: Rect, _ stroke: Stroke, cornerRadius: Double) {
        path(rect, cornerRadius: cornerRadius)
        apply(stroke)
        cairo_stroke(context)
    }

    package func stroke(_ points: [Point], _ stroke: Stroke) {
        guard let first = points.first, points.count > 1 else { return }
        cairo_move_to(context, first.x, first.y)
        for point in points.dropFirst() { cairo_line_to(context, point.x, point.y) }
        apply(stroke)
        cairo_stroke(context)
    }

    package func fill(_ points: [Point], _ color: RGB, opacity: Double) {
        guard let first = points.first, points.count > 2 else { return }
        cairo_move_to(context, first.x, first.y)
        for point in points.dropFirst() { cairo_line_to(context, point.x, point.y) }
        cairo_close_path(context)
        setColor(color, opacity: opacity)
        cairo_fill(context)
    }

    package func fillCircle(center: Point, radius: Double, _ color: RGB) {
        cairo_new_sub_path(context)
        cairo_arc(context, center.x, center.y, radius, 0, 2 * .pi)
        setColor(color)
        cairo_fill(context)
    }

    package func text(_ text: String, at point: Point, _ style: TextStyle, quarterTurns: Int) {
        guard !text.isEmpty else { return }
        let pango = pango_cairo_create_context(context)!
        defer { g_object_unref(UnsafeMutableRawPointer(pango)) }
        Typesetter.configure(pango)
        let styled = Typesetter.layout(text, style, context: pango)
        defer { g_object_unref(UnsafeMutableRawPointer(styled)) }
        let metrics = Typesetter.metrics(of: styled)
        let offset = Typesetter.baselineOffset(metrics, style)
        cairo_save(context)
        cairo_translate(context, point.x, point.y)
        cairo_rotate(context, -Double(quarterTurns) * .pi / 2)
        cairo_move_to(context, offset.x, offset.y - metrics.ascent)
        setColor(style.color)
        pango_cairo_show_layout(context, styled)
        cairo_restore(context)
    }

    package func raster(_ pixels: [RGB], width: Int, in rect: Rect) {
        guard width > 0, !pixels.isEmpty else { return }
        let height = pixels.count / width
        let surface = Self.surface(pixels, width: width, height: height)
        defer { cairo_surface_destroy(surface) }
        cairo_save(context)
        cairo_translate(context, rect.x, rect.y)
        cairo_scale(context, rect.width / Double(width), rect.height / Double(height))
        cairo_set_source_surface(context, surface, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(context), CAIRO_FILTER_NEAREST)
        cairo_paint(context)
        cairo_restore(context)
    }

    /// PNG and PDF have no hover captions.
    package func caption(_ text: String) {}

    package func translated(x: Double, y: Double, _ body: () throws -> Void) rethrows {
        cairo_save(context)
        cairo_translate(context, x, y)
        defer { cairo_restore(context) }
        try body()
    }

    /// An image surface holding `pixels` (cairo's native-endian 0xAARRGGBB words).
    static func surface(_ pixels: [RGB], width: Int, height: Int) -> OpaquePointer {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))!
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        for y in 0..<height {
            let row = UnsafeMutableRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width {
                let color = pixels[y * width + x]
                row[x] = 0xFF00_0000 | UInt32(color.red) << 16 | UInt32(color.green) << 8 | UInt32(color.blue)
            }
        }
        cairo_surface_mark_dirty(surface)
        return surface
    }
}
