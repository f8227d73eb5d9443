import Plotting

/// The latent search's examples: one row per image, its original, its reconstruction and
/// the maximised image, each with the classifier's class and the probe's reading under it.
struct SearchedImagesFigure: Figure {
    /// One image and what is written under it.
    struct Panel: Sendable {
        /// Grey levels in 0…1 (1 is ink), row-major.
        let pixels: [Float]
        let caption: String
        let probe: String
    }

    let imageWidth: Int
    let imageHeight: Int
    /// rows[example] holds the original, reconstruction and maximised panels.
    let rows: [[Panel]]

    private static let headings = ["original", "reconstruction (class, probe)", "maximised"]
    private static let scale = 4.0, top = 30.0
    private var cellWidth: Double { max(Double(imageWidth) * Self.scale, 190) + 16 }
    private var cellHeight: Double { Double(imageHeight) * Self.scale + 2 * TextStyle(size: Style.bodySize).lineHeight + 16 }

    var width: Double { 3 * cellWidth + 16 }
    var height: Double { Self.top + Double(rows.count) * cellHeight + 8 }

    func draw(on canvas: some Canvas) {
        let heading = TextStyle(size: Style.bodySize, bold: true, horizontal: .middle, vertical: .top)
        let caption = TextStyle(size: Style.bodySize, horizontal: .middle, vertical: .top)
        for (column, title) in Self.headings.enumerated() {
            canvas.text(title, at: Point(8 + (Double(column) + 0.5) * cellWidth, 8), heading)
        }
        for (row, panels) in rows.enumerated() {
            for (column, panel) in panels.enumerated() {
                let centre = 8 + (Double(column) + 0.5) * cellWidth, y = Self.top + Double(row) * cellHeight
                let side = (Double(imageWidth) * Self.scale, Double(imageHeight) * Self.scale)
                let grey = panel.pixels.map { value -> RGB in
                    let shade = UInt8((255 - min(max(value, 0), 1) * 255).rounded())
                    return RGB(shade, shade, shade)
                }
                canvas.raster(grey, width: imageWidth, in: Rect(x: centre - side.0 / 2, y: y, width: side.0, height: side.1))
                canvas.text(panel.caption, at: Point(centre, y + side.1 + 4), caption)
                canvas.text(panel.probe, at: Point(centre, y + side.1 + 6 + caption.lineHeight), caption)
            }
        }
    }
}
