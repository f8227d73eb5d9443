import Foundation
@testable import Plotting
import Testing

struct FigureTests {
    @Test func aHeatmapColoursEachCellByItsScoreAlikeInPNGAndSVG() throws {
        let heatmap = Heatmap(title: "in_check: roc_auc", xLabel: "training step", yLabel: "layer", columns: ["0", "1000"], rows: ["block2", "block1"],
                              values: [[0, 1], [0.5, .nan]], range: 0...1, colorBarLabel: "roc_auc", cell: 30)
        let files = try FigureFiles(heatmap)
        for label in ["in_check: roc_auc", "training step", "layer", "0", "1000", "block2", "block1", "roc_auc", "0.00", "1.00", "0.50", "0.2"] {
            #expect(files.texts.contains(label), "\(label) missing from \(files.texts)")
        }
        let cells = files.rects.filter { $0["width"] == "29" && $0["height"] == "29" }
        #expect(cells.map { $0["fill"] } == [ColorMap.color(0), ColorMap.color(1), ColorMap.color(0.5), .lightGrey].map(\.hex))
        // The PNG, at two pixels a point, has the same colour at each cell's corner (away from its printed value).
        for cell in cells {
            let (x, y) = (Int(Double(cell["x"]!)! * 2) + 4, Int(Double(cell["y"]!)! * 2) + 4)
            #expect(files.png.color(x: x, y: y).hex == cell["fill"])
        }
        #expect(files.png.width == Int((heatmap.width * 2).rounded(.up)) && files.png.height == Int((heatmap.height * 2).rounded(.up)))
    }

    @Test func aLinePlotLabelsItsLogAxisAndDrawsEverySeriesInItsColour() throws {
        let series = (0..<3).map { index in
            LinePlot.Series(name: "block\(index + 1)", points: [(0, 0.5), (100, 0.6 + 0.1 * Double(index)), (30_000, 0.9)],
                            color: LinePlot.palette[index], dashed: index == 2)
        }
        let plot = LinePlot(title: "in_check: test roc_auc by layer", xLabel: "training step", yLabel: "roc_auc", series: series, yRange: 0.5...1)
        let files = try FigureFiles(plot)
        for label in ["in_check: test roc_auc by layer", "training step (log scale)", "roc_auc", "block1", "block2", "block3",
                      "0", "1", "10", "100", "1k", "10k", "0.5", "0.6", "1.0"] {
            #expect(files.texts.contains(label), "\(label) missing from \(files.texts)")
        }
        for color in LinePlot.palette.prefix(3) { #expect(files.pixels(of: color) > 40) }
    }

    @Test func textIsSetInTheTypefaceAndAntiAliased() throws {
        let body = TextStyle(size: 11), bold = TextStyle(size: 11, bold: true), large = TextStyle(size: 22)
        #expect(body.width(of: "material_balance") > body.width(of: "in_check"))
        #expect(bold.width(of: "material_balance") > body.width(of: "material_balance"))
        #expect(abs(large.width(of: "block6") - 2 * body.width(of: "block6")) < 0.5)
        let chart = BarChart(title: "TCAV of value at block6", valueLabel: "share", bars: [.init(label: "in_check", value: 0.7)], range: 0...1)
        let files = try FigureFiles(chart)
        // Anti-aliased type leaves many shades of grey between black ink and the white page.
        var greys = Set<UInt8>()
        for y in 0..<files.png.height {
            for x in 0..<files.png.width {
                let c = files.png.color(x: x, y: y)
                if c.red == c.green && c.green == c.blue { greys.insert(c.red) }
            }
        }
        #expect(greys.count > 40)
    }

    @Test func aBarChartMarksErrorsAndSignificance() throws {
        let chart = BarChart(title: "TCAV of value at block6, step 30000 (* significant after Bonferroni)", valueLabel: "share of positions",
                             bars: [.init(label: "in_check", value: 0.8, error: 0.05, mark: "*"),
                                    .init(label: "random CAVs", value: 0.5, error: 0.1, color: .grey)], range: 0...1)
        let files = try FigureFiles(chart)
        for label in ["in_check", "random CAVs", "*", "share of positions", "0.0", "0.4", "1.0"] { #expect(files.texts.contains(label), "\(label)") }
        #expect(files.pixels(of: LinePlot.palette[0]) > 1000 && files.pixels(of: .grey) > 500)
    }

    @Test func aTradeOffFigureHasAPanelPerMetricAndALinePerSeries() throws {
        let points = [0.0, 0.1, 0.3].flatMap { cost in
            [TradeOffFigure.Point(series: "gradient", cost: cost, values: [0.9 - cost, 2 - cost]),
             TradeOffFigure.Point(series: "greedy", cost: cost, values: [0.8 - cost, 1.5])]
        }
        let figure = TradeOffFigure(title: "in_check", costLabel: "edit cost", metrics: ["concept true", "mean edits"], points: points)
        let files = try FigureFiles(figure.figure)
        #expect(files.texts.filter { $0 == "gradient" }.count == 2 && files.texts.filter { $0 == "edit cost" }.count == 2)
        #expect(files.texts.contains("in_check") && files.texts.contains("concept true") && files.texts.contains("mean edits"))
        for color in LinePlot.palette.prefix(2) { #expect(files.pixels(of: color) > 80) }
        let csv = figure.csv(columns: ["concept_true", "mean_edits"]).split(separator: "\n")
        #expect(csv.first == "series,cost,concept_true,mean_edits" && csv.count == 7 && csv[1] == "gradient,0.0,0.9,2.0")
    }

    @Test func aGridSetsItsFiguresSideBySideUnderItsTitle() throws {
        let tile = Heatmap(title: "a", xLabel: "x", yLabel: "y", columns: ["0"], rows: ["r"], values: [[0.5]], cell: 18)
        let grid = FigureGrid(title: "overview", [tile, tile, tile], columns: 2)
        #expect(abs(grid.width - (2 * tile.width + 3 * grid.gap)) < 1e-9)
        #expect(grid.height > 2 * tile.height)
        let files = try FigureFiles(grid)
        #expect(files.texts.filter { $0 == "a" }.count == 3 && files.texts.first == "overview")
    }

    @Test func aRasterIsEmbeddedUnsmoothed() throws {
        struct Checkerboard: Figure {
            var width: Double { 40 }
            var height: Double { 40 }
            func draw(on canvas: some Canvas) {
                canvas.raster([.black, .white, .white, .black], width: 2, in: Rect(x: 0, y: 0, width: 40, height: 40))
            }
        }
        let files = try FigureFiles(Checkerboard())
        #expect(files.png.color(x: 10, y: 10) == .black && files.png.color(x: 70, y: 10) == .white && files.png.color(x: 70, y: 70) == .black)
        #expect(files.png.color(x: 39, y: 10) == .black && files.png.color(x: 40, y: 10) == .white)
        #expect(Checkerboard().svgDocument().contains("href=\"data:image/png;base64,"))
    }
}

struct AxisTests {
    @Test func linearTicksFallOnRoundSteps() {
        #expect(Axis(0...1).majorTicks == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(Axis(0.5...1).majorTicks == [0.5, 0.6, 0.7, 0.8, 0.9, 1])
        #expect(Axis(0...0.3).majorTicks == [0, 0.1, 0.2, 0.3])
        #expect(Axis(0...0.2).majorTicks == [0, 0.05, 0.1, 0.15, 0.2])
        #expect(Axis(-3...7).majorTicks == [-2, 0, 2, 4, 6])
        #expect(Axis(0...0.2).label(0.05) == "0.05" && Axis(0...1).label(0.4) == "0.4" && Axis(0...30).label(25) == "25")
        #expect(Axis(0...25).majorTicks == [0, 5, 10, 15, 20, 25])
        #expect(Axis(0...1).majorTicks.map(Axis(0...1).label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    @Test func logTicksArePowersOfTenWithMinorTicksBetween() {
        let axis = Axis(0...30_000, logarithmic: true)
        #expect(axis.majorTicks == [0, 1, 10, 100, 1000, 10_000])
        #expect(axis.majorTicks.map(axis.label) == ["0", "1", "10", "100", "1k", "10k"])
        #expect(axis.minorTicks.contains(2) && axis.minorTicks.contains(20_000) && axis.minorTicks.contains(30_000) && !axis.minorTicks.contains(40_000))
        #expect(axis.fraction(0) == 0 && axis.fraction(30_000) == 1 && abs(axis.fraction(999) - 3 / log10(30_001)) < 1e-12)
    }

    @Test func anEmptySpanStillMapsIntoTheAxis() {
        let axis = Axis(spanning: [2, 2])
        #expect(axis.range.upperBound > axis.range.lowerBound && axis.fraction(2) == 0)
    }
}

struct FigureFormatsTests {
    @Test func listsParseInAFixedOrderAndNameABadEntry() throws {
        #expect(try FigureFormats(parsing: "pdf,png").members == [.png, .pdf])
        #expect(try FigureFormats(parsing: " SVG ").members == [.svg])
        #expect(FigureFormats.all.text == "png,svg,pdf" && FigureFormats.all.file("sweep") == "sweep.svg" && FigureFormats.png.file("a") == "a.png")
        #expect(throws: FigureFormatError(entry: "jpg")) { try FigureFormats(parsing: "png,jpg") }
        #expect(throws: FigureFormatError(entry: "")) { try FigureFormats(parsing: "png,") }
        let decoded = try JSONDecoder().decode([FigureFormats].self, from: JSONEncoder().encode([FigureFormats.all]))
        #expect(decoded == [.all])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([FigureFormats].self, from: Data("[\"gif\"]".utf8)) }
    }
}

struct RasterImageTests {
    @Test func pngRoundTripsThroughLibpng() throws {
        let image = RasterImage(pixels: [RGB(200, 30, 40), .white, .black, RGB(10, 20, 250), .grey, .lightGrey], width: 3)
        #expect(try RasterImage.decodePNG(try image.pngData()) == image)
        #expect(throws: ImageError.self) { try RasterImage.decodePNG(Data("not a picture".utf8)) }
    }

    @Test func colourMapLightnessRisesSteadily() {
        let lightness = stride(from: 0.0, through: 1.0, by: 0.05).map { ColorMap.luminance(ColorMap.color($0)) }
        #expect(zip(lightness, lightness.dropFirst()).allSatisfy { $0 < $1 })
        #expect(ColorMap.color(-1) == ColorMap.color(0) && ColorMap.color(2) == ColorMap.color(1))
    }
}
