import CPangoCairo
import Synchronization

/// Lays text out with Pango, for drawing on cairo and for measuring it when a figure plans
/// its margins. Metrics are unhinted, so a figure measures the same at every resolution and
/// in every format.
enum Typesetter {
    /// A line of text's extent: advance width, and ascent and descent about its baseline.
    struct Metrics: Equatable {
        var width: Double, ascent: Double, descent: Double
        var height: Double { ascent + descent }
    }

    /// A layout for `text` in `style` on the Pango context `context`.
    static func layout(_ text: String, _ style: TextStyle, context: OpaquePointer) -> OpaquePointer {
        let layout = pango_layout_new(context)!
        let font = pango_font_description_new()!
        pango_font_description_set_family(font, Style.fontFamily)
        pango_font_description_set_absolute_size(font, style.size * Double(CPangoScale))
        pango_font_description_set_weight(font, PangoWeight(rawValue: style.bold ? UInt32(CPangoWeightBold) : UInt32(CPangoWeightNormal)))
        pango_layout_set_font_description(layout, font)
        pango_font_description_free(font)
        pango_layout_set_text(layout, text, -1)
        return layout
    }

    /// The metrics of `layout`'s first line, in points.
    static func metrics(of layout: OpaquePointer) -> Metrics {
        var ink = PangoRectangle(), logical = PangoRectangle()
        pango_layout_get_extents(layout, &ink, &logical)
        let scale = Double(CPangoScale)
        let baseline = Double(pango_layout_get_baseline(layout)) / scale
        return Metrics(width: Double(logical.width) / scale, ascent: baseline, descent: Double(logical.height) / scale - baseline)
    }

    /// Unhinted metrics and unrounded glyph positions on `context`.
    static func configure(_ context: OpaquePointer) {
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        pango_cairo_context_set_font_options(context, options)
        cairo_font_options_destroy(options)
        pango_context_set_round_glyph_positions(context, 0)
    }

    /// A context kept for measuring; Pango contexts are not thread-safe, so it is used under a lock.
    private static let measuring = Mutex(MeasuringContext())

    private struct MeasuringContext: @unchecked Sendable {
        let context: OpaquePointer
        init() {
            let map = pango_cairo_font_map_get_default()
            context = pango_font_map_create_context(map)
            Typesetter.configure(context)
        }
    }

    /// How much room `text` takes in `style`.
    static func measure(_ text: String, _ style: TextStyle) -> Metrics {
        measuring.withLock { measuring in
            let layout = layout(text, style, context: measuring.context)
            defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
            return metrics(of: layout)
        }
    }

    /// The offset from an anchor to the text's baseline start, for the style's alignment.
    static func baselineOffset(_ metrics: Metrics, _ style: TextStyle) -> (x: Double, y: Double) {
        let x = switch style.horizontal {
        case .start: 0.0
        case .middle: -metrics.width / 2
        case .end: -metrics.width
        }
        let y = switch style.vertical {
        case .top: metrics.ascent
        case .middle: (metrics.ascent - metrics.descent) / 2
        case .baseline: 0.0
        case .bottom: -metrics.descent
        }
        return (x, y)
    }
}

extension TextStyle {
    /// The width `text` takes in this style, in points.
    package func width(of text: String) -> Double { Typesetter.measure(text, self).width }
    /// The height of a line in this style, in points.
    package var lineHeight: Double { Typesetter.measure("Ag", self).height }
}
