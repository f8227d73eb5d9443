import Foundation
@testable import Plotting
import Testing

struct ImageTests {
    @Test func pngRoundTripKeepsEveryPixel() throws {
        var image = Image(width: 40, height: 30, background: .white)
        image.fill(x: 5, y: 5, width: 10, height: 4, RGB(200, 30, 40))
        image.line(from: (0, 29), to: (39, 0), RGB(10, 20, 250), thickness: 2)
        let data = try image.pngData()
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(try Image.decodePNG(data) == image)
    }

    @Test func garbageIsNotAPNG() {
        #expect(throws: ImageError.self) { try Image.decodePNG(Data("not a picture".utf8)) }
    }

    @Test func textIsDrawnWhereItIsPlacedAndMeasured() {
        var image = Image(width: 100, height: 20)
        image.text("Ab1", x: 50, y: 3, scale: 2, alignment: .center)
        let inked = (0..<image.height).flatMap { y in (0..<image.width).map { x in (x, y) } }
            .filter { image.color(x: $0.0, y: $0.1) == .black }
        let width = Image.textWidth("Ab1", scale: 2)
        #expect(width == 34)
        #expect(!inked.isEmpty)
        #expect(inked.allSatisfy { (50 - width / 2)..<(50 + width / 2 + 1) ~= $0.0 && (3..<17) ~= $0.1 })
    }

    @Test func everyPrintableCharacterHasAGlyph() {
        let blank = PixelFont.rows(" ")
        #expect(blank.allSatisfy { $0 == 0 })
        for ascii in UInt8(33)...126 {
            let rows = PixelFont.rows(Character(UnicodeScalar(ascii)))
            #expect(rows.count == 7 && rows.contains { $0 != 0 } && rows.allSatisfy { $0 < 32 })
        }
    }

    @Test func colourMapLightnessRisesSteadily() {
        let lightness = stride(from: 0.0, through: 1.0, by: 0.05).map { ColorMap.luminance(ColorMap.color($0)) }
        #expect(zip(lightness, lightness.dropFirst()).allSatisfy { $0 < $1 })
        #expect(ColorMap.color(-1) == ColorMap.color(0) && ColorMap.color(2) == ColorMap.color(1))
    }
}

struct ClippingTests {
    @Test func drawingOffTheImageIsClippedNotACrash() {
        var image = Image(width: 10, height: 10)
        image.fill(x: 20, y: 20, width: 5, height: 5, .black)
        image.text("a long label running off the edge", x: 5, y: 2)
        image.line(from: (-5, -5), to: (30, 12), .black)
        // What falls inside is drawn: the text's first letters and the line's middle.
        #expect((0..<10).contains { x in (0..<10).contains { y in image.color(x: x, y: y) == .black } })
        #expect(image.color(x: 0, y: 0) == .white)
    }
}

struct CompositionTests {
    @Test func drawingAnImageCopiesItsPixelsAndClipsTheRest() {
        var tile = Image(width: 4, height: 3)
        tile.fill(x: 1, y: 1, width: 1, height: 1, .black)
        var canvas = Image(width: 6, height: 5, background: .grey)
        canvas.draw(tile, x: 3, y: 3)
        #expect(canvas.color(x: 4, y: 4) == .black)
        #expect(canvas.color(x: 3, y: 3) == .white)
        #expect(canvas.color(x: 2, y: 3) == .grey)
        canvas.draw(tile, x: -3, y: -2)  // only its last column and row land on the canvas
        #expect(canvas.color(x: 0, y: 0) == .white)
        #expect(canvas.color(x: 1, y: 0) == .grey)
    }
}
