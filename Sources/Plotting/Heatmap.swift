import Foundation

/// A grid of scores drawn as coloured cells with labelled axes and a colour bar:
/// the what–when–where picture (x: training step, y: layer, colour: probe score).
package struct Heatmap: Sendable {
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

    package init(title: String, xLabel: String, yLabel: String, columns: [String], rows: [String], values: [[Double]],
                range: ClosedRange<Double> = 0...1, colorBarLabel: String = "score") {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.columns = columns
        self.rows = rows
        self.values = values
        self.range = range
        self.colorBarLabel = colorBarLabel
    }

    /// The picture, cells `cell` pixels square.
    package func render(cell: Int = 44) -> Image {
        let scale = 2
        let rowLabelWidth = (rows.map { Image.textWidth($0, scale: scale) }.max() ?? 0) + 12
        let left = 40 + rowLabelWidth, top = 50
        let gridWidth = columns.count * cell, gridHeight = rows.count * cell
        let columnLabelHeight = (columns.map { Image.textWidth($0, scale: scale) }.max() ?? 0) + 12
        let width = left + gridWidth + 130, height = top + gridHeight + columnLabelHeight + 40
        var image = Image(width: width, height: height)
        image.text(title, x: left + gridWidth / 2, y: 14, scale: scale, alignment: .center)
        for (r, row) in values.enumerated() {
            for (c, value) in row.enumerated() {
                let color = value.isNaN ? RGB.lightGrey : ColorMap.color((value - range.lowerBound) / (range.upperBound - range.lowerBound))
                image.fill(x: left + c * cell, y: top + r * cell, width: cell - 1, height: cell - 1, color)
                if !value.isNaN && cell >= 36 {
                    let text = String(format: "%.2f", value)
                    let light = ColorMap.luminance(color) < 120
                    image.text(text, x: left + c * cell + cell / 2, y: top + r * cell + cell / 2 - 4, scale: 1,
                               alignment: .center, light ? .white : .black)
                }
            }
        }
        for (r, label) in rows.enumerated() {
            image.text(label, x: left - 8, y: top + r * cell + cell / 2 - 7, scale: scale, alignment: .right)
        }
        for (c, label) in columns.enumerated() {
            // Column labels read upwards so that long step numbers fit under narrow cells.
            image.verticalText(label, x: left + c * cell + cell / 2, y: top + gridHeight + 6 + Image.textWidth(label, scale: scale) / 2, scale: scale)
        }
        image.text(xLabel, x: left + gridWidth / 2, y: top + gridHeight + columnLabelHeight + 10, scale: scale, alignment: .center)
        image.verticalText(yLabel, x: 16, y: top + gridHeight / 2, scale: scale)
        drawColorBar(on: &image, x: left + gridWidth + 24, y: top, height: gridHeight)
        return image
    }

    private func drawColorBar(on image: inout Image, x: Int, y: Int, height: Int) {
        for offset in 0..<height {
            image.fill(x: x, y: y + offset, width: 18, height: 1, ColorMap.color(1 - Double(offset) / Double(max(height - 1, 1))))
        }
        for tick in 0...4 {
            let fraction = Double(tick) / 4
            let value = range.lowerBound + fraction * (range.upperBound - range.lowerBound)
            let ty = y + Int((1 - fraction) * Double(height - 1))
            image.fill(x: x + 18, y: ty, width: 5, height: 1, .black)
            image.text(String(format: "%.2f", value), x: x + 26, y: ty - 4, scale: 1)
        }
        image.verticalText(colorBarLabel, x: x + 90, y: y + height / 2, scale: 2)
    }
}
