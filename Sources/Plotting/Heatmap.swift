import Foundation

/// A grid of scores drawn as coloured cells with labelled axes and a colour bar:
/// the what–when–where picture (x: training step, y: layer, colour: probe score).
package struct Heatmap: Figure {
    package var title: String
    package var xLabel: String
    package var yLabel: String
    /// Column labels (left to right) and row labels (top to bottom).
    package var columns: [String]
    package var rows: [String]
    /// values[row][column]; NaN cells are drawn grey.
    package var values: [[Double]]
    /// The colour scale's ends.
    package var range: ClosedRange<Double>
    package var colorBarLabel: String
    /// A cell's side in points; cells of 28 points or more carry their value.
    package var cell: Double

    package init(title: String, xLabel: String, yLabel: String, columns: [String], rows: [String], values: [[Double]],
                 range: ClosedRange<Double> = 0...1, colorBarLabel: String = "score", cell: Double = 34) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.columns = columns
        self.rows = rows
        self.values = values
        self.range = range
        self.colorBarLabel = colorBarLabel
        self.cell = cell
    }

    private var labelStyle: TextStyle { TextStyle(size: cell >= 28 ? Style.tickSize : Style.smallSize) }
    private var titleStyle: TextStyle { TextStyle(size: cell >= 28 ? Style.titleSize : Style.bodySize, bold: true) }
    private var rowLabelWidth: Double { rows.map { labelStyle.width(of: $0) }.max() ?? 0 }
    private var columnLabelHeight: Double { columns.map { labelStyle.width(of: $0) }.max() ?? 0 }
    private var gridLeft: Double { 14 + TextStyle(size: Style.bodySize).lineHeight + rowLabelWidth }
    private var gridTop: Double { 16 + titleStyle.lineHeight }
    private var colorBarAxis: Axis { Axis(range) }

    package var width: Double {
        let axis = colorBarAxis, style = labelStyle
        let tickLabels: Double = axis.majorTicks.map { style.width(of: axis.label($0)) }.max() ?? 0
        let colorBar: Double = 24 + 12 + Style.tickLength + 3 + tickLabels + 8 + TextStyle(size: Style.bodySize).lineHeight + 6
        return max(gridLeft + Double(columns.count) * cell + colorBar, titleStyle.width(of: title) + 16)
    }

    package var height: Double {
        max(gridTop + Double(rows.count) * cell + 8 + columnLabelHeight + 8 + TextStyle(size: Style.bodySize).lineHeight + 8, gridTop + 120)
    }

    package func draw(on canvas: some Canvas) {
        let body = TextStyle(size: Style.bodySize)
        let gridWidth = Double(columns.count) * cell, gridHeight = Double(rows.count) * cell
        // Over the grid where the title fits there, else as far right as it must go to fit at all.
        let half = titleStyle.width(of: title) / 2
        canvas.text(title, at: Point(min(max(gridLeft + gridWidth / 2, half + 8), width - half - 8), 8), titleStyle.anchored(.middle, .top))
        for (r, row) in values.enumerated() {
            for (c, value) in row.enumerated() {
                let color = value.isNaN ? RGB.lightGrey : ColorMap.color(colorBarAxis.fraction(value))
                let box = Rect(x: gridLeft + Double(c) * cell, y: gridTop + Double(r) * cell, width: cell - 1, height: cell - 1)
                canvas.fill(box, color)
                guard !value.isNaN && cell >= 28 else { continue }
                let ink = ColorMap.luminance(color) < 120 ? RGB.white : RGB.black
                canvas.text(String(format: "%.2f", value), at: Point(box.x + box.width / 2, box.y + box.height / 2),
                            TextStyle(size: Style.smallSize, color: ink, horizontal: .middle, vertical: .middle))
            }
        }
        for (r, label) in rows.enumerated() {
            canvas.text(label, at: Point(gridLeft - 5, gridTop + (Double(r) + 0.5) * cell), labelStyle.anchored(.end, .middle))
        }
        for (c, label) in columns.enumerated() {
            // Column labels read upwards so that long step numbers fit under narrow cells.
            canvas.text(label, at: Point(gridLeft + (Double(c) + 0.5) * cell, gridTop + gridHeight + 5), labelStyle.anchored(.end, .middle), quarterTurns: 1)
        }
        canvas.text(xLabel, at: Point(gridLeft + gridWidth / 2, gridTop + gridHeight + 13 + columnLabelHeight), body.anchored(.middle, .top))
        canvas.text(yLabel, at: Point(6, gridTop + gridHeight / 2), body.anchored(.middle, .top), quarterTurns: 1)
        drawColorBar(on: canvas, x: gridLeft + gridWidth + 24, y: gridTop, height: max(gridHeight, 100))
    }

    private func drawColorBar(on canvas: some Canvas, x: Double, y: Double, height: Double) {
        let steps = 64
        let colors = (0..<steps).map { ColorMap.color(1 - Double($0) / Double(steps - 1)) }
        canvas.raster(colors, width: 1, in: Rect(x: x, y: y, width: 12, height: height))
        canvas.stroke(Rect(x: x, y: y, width: 12, height: height), Style.tick)
        let axis = colorBarAxis
        var widest = 0.0
        for value in axis.majorTicks {
            let ty = y + (1 - axis.fraction(value)) * height
            canvas.line(Point(x + 12, ty), Point(x + 12 + Style.tickLength, ty), Style.tick)
            canvas.text(axis.label(value), at: Point(x + 12 + Style.tickLength + 3, ty), labelStyle.anchored(.start, .middle))
            widest = max(widest, labelStyle.width(of: axis.label(value)))
        }
        canvas.text(colorBarLabel, at: Point(x + 12 + Style.tickLength + 3 + widest + 8, y + height / 2),
                    TextStyle(size: Style.bodySize).anchored(.middle, .top), quarterTurns: 1)
    }
}
