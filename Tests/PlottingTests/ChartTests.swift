@testable import Plotting
import Testing

struct ChartTests {
    @Test func heatmapColoursEachCellByItsScore() throws {
        let heatmap = Heatmap(title: "concept", xLabel: "step", yLabel: "layer", columns: ["0", "10"], rows: ["a", "b"],
                              values: [[0, 1], [0.5, .nan]], range: 0...1)
        let image = heatmap.render(cell: 20)
        let decoded = try Image.decodePNG(try image.pngData())
        #expect(decoded == image)
        // Find the grid's top-left cell by its colour, then check its neighbours.
        let low = ColorMap.color(0), high = ColorMap.color(1), middle = ColorMap.color(0.5)
        let corner = try #require((0..<image.height).lazy.flatMap { y in (0..<image.width).lazy.map { (x: $0, y: y) } }
            .first { image.color(x: $0.x, y: $0.y) == low })
        #expect(image.color(x: corner.x + 25, y: corner.y) == high)
        #expect(image.color(x: corner.x, y: corner.y + 25) == middle)
        #expect(image.color(x: corner.x + 25, y: corner.y + 25) == .lightGrey)
    }

    @Test func linePlotDrawsEverySeriesInItsColour() {
        let series = (0..<3).map { index in
            LinePlot.Series(name: "layer \(index)", points: [(0, 0.5), (10, 0.6 + 0.1 * Double(index)), (100, 0.9)],
                            color: LinePlot.palette[index], dashed: index == 2)
        }
        let image = LinePlot(title: "t", xLabel: "step", yLabel: "score", series: series, yRange: 0...1).render(width: 400, height: 300)
        #expect(image.width == 400 && image.height == 300)
        for color in LinePlot.palette.prefix(3) {
            let pixels = (0..<image.height).reduce(0) { count, y in count + (0..<image.width).filter { image.color(x: $0, y: y) == color }.count }
            #expect(pixels > 50)
        }
    }

    @Test func ticksOfASmallSpanKeepTheirDecimals() {
        #expect(LinePlot.tickLabel(0.06, span: 0.3) == "0.06")
        #expect(LinePlot.tickLabel(0.5, span: 3) == "0.5")
        #expect(LinePlot.tickLabel(200, span: 1000) == "200" && LinePlot.tickLabel(30_000, span: 30_000) == "30k")
    }

    @Test func aTradeOffFigureHasAPanelPerMetricAndALinePerSeries() {
        let points = [0.0, 0.1, 0.3].flatMap { cost in
            [TradeOffFigure.Point(series: "gradient", cost: cost, values: [0.9 - cost, 2 - cost]),
             TradeOffFigure.Point(series: "greedy", cost: cost, values: [0.8 - cost, 1.5])]
        }
        let figure = TradeOffFigure(title: "in_check", costLabel: "edit cost", metrics: ["concept true", "mean edits"], points: points)
        let image = figure.render(panelWidth: 400, height: 300)
        #expect(image.width == 800 && image.height == 334)
        for panel in 0..<2 {
            for color in LinePlot.palette.prefix(2) {
                let pixels = (0..<334).reduce(0) { count, y in count + (panel * 400..<(panel + 1) * 400).filter { image.color(x: $0, y: y) == color }.count }
                #expect(pixels > 50, "panel \(panel)")
            }
        }
        let csv = figure.csv(columns: ["concept_true", "mean_edits"]).split(separator: "\n")
        #expect(csv.first == "series,cost,concept_true,mean_edits" && csv.count == 7 && csv[1] == "gradient,0.0,0.9,2.0")
    }
}
