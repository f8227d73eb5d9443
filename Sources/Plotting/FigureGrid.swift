/// Figures set out row by row under an optional title: small multiples (every concept's
/// heatmap, a search's panels, boards before and after an edit). Each cell is as wide as
/// the widest figure and as tall as the tallest.
package struct FigureGrid: Figure {
    package let title: String
    package let rows: [[any Figure]]
    package let gap: Double

    package init(title: String = "", rows: [[any Figure]], gap: Double = 8) {
        self.title = title
        self.rows = rows
        self.gap = gap
    }

    /// `figures` in rows of `columns`, left to right and top to bottom.
    package init(title: String = "", _ figures: [any Figure], columns: Int, gap: Double = 8) {
        let columns = max(columns, 1)
        self.init(title: title, rows: stride(from: 0, to: figures.count, by: columns).map { Array(figures[$0..<min($0 + columns, figures.count)]) }, gap: gap)
    }

    private var cellWidth: Double { rows.joined().map(\.width).max() ?? 0 }
    private var cellHeight: Double { rows.joined().map(\.height).max() ?? 0 }
    private var titleHeight: Double { title.isEmpty ? 0 : TextStyle(size: Style.titleSize, bold: true).lineHeight + 16 }

    package var width: Double { max(1, Double(rows.map(\.count).max() ?? 0) * (cellWidth + gap) + gap) }
    package var height: Double { max(1, titleHeight + Double(rows.count) * (cellHeight + gap) + gap) }

    package func draw(on canvas: some Canvas) {
        if !title.isEmpty {
            canvas.text(title, at: Point(width / 2, 8), TextStyle(size: Style.titleSize, bold: true).anchored(.middle, .top))
        }
        for (y, row) in rows.enumerated() {
            for (x, figure) in row.enumerated() {
                canvas.draw(figure, x: gap + Double(x) * (cellWidth + gap), y: titleHeight + gap + Double(y) * (cellHeight + gap))
            }
        }
    }
}
