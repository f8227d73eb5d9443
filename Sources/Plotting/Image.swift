import CPNG
import DataFiles
import Foundation

/// An RGB colour.
package struct RGB: Equatable, Sendable {
    package var red: UInt8, green: UInt8, blue: UInt8
    package init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    package static let white = RGB(255, 255, 255)
    package static let black = RGB(0, 0, 0)
    package static let grey = RGB(128, 128, 128)
    package static let lightGrey = RGB(220, 220, 220)
}

/// A raster picture (8-bit RGBA) to draw plots and boards on, written as PNG through libpng.
package struct Image: Equatable, Sendable {
    package let width: Int
    package let height: Int
    /// Row-major RGBA bytes.
    package private(set) var pixels: [UInt8]

    package init(width: Int, height: Int, background: RGB = .white) {
        precondition(width > 0 && height > 0, "an image needs a positive size")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 255, count: width * height * 4)
        fill(x: 0, y: 0, width: width, height: height, background)
    }

    /// The colour at (x, y).
    package func color(x: Int, y: Int) -> RGB {
        let index = (y * width + x) * 4
        return RGB(pixels[index], pixels[index + 1], pixels[index + 2])
    }

    /// Sets one pixel; points outside the image are ignored.
    package mutating func set(x: Int, y: Int, _ color: RGB) {
        guard x >= 0 && x < width && y >= 0 && y < height else { return }
        let index = (y * width + x) * 4
        pixels[index] = color.red
        pixels[index + 1] = color.green
        pixels[index + 2] = color.blue
        pixels[index + 3] = 255
    }

    /// Fills a rectangle (clipped to the image).
    package mutating func fill(x: Int, y: Int, width: Int, height: Int, _ color: RGB) {
        let (top, bottom) = (max(0, y), min(self.height, y + height))
        let (left, right) = (max(0, x), min(self.width, x + width))
        guard top < bottom && left < right else { return }
        for row in top..<bottom {
            for column in left..<right { set(x: column, y: row, color) }
        }
    }

    /// Copies `other` with its top-left corner at (x, y), clipped to this image: how
    /// small multiples are assembled into one figure.
    package mutating func draw(_ other: Image, x: Int, y: Int) {
        let (top, bottom) = (max(0, y), min(height, y + other.height))
        let (left, right) = (max(0, x), min(width, x + other.width))
        guard top < bottom && left < right else { return }
        for row in top..<bottom {
            let source = ((row - y) * other.width + (left - x)) * 4, destination = (row * width + left) * 4
            pixels.replaceSubrange(destination..<(destination + (right - left) * 4), with: other.pixels[source..<(source + (right - left) * 4)])
        }
    }

    /// A filled disc (clipped to the image).
    package mutating func fillCircle(centerX: Int, centerY: Int, radius: Int, _ color: RGB) {
        for dy in -radius...radius {
            let half = Int((Double(radius * radius - dy * dy)).squareRoot())
            fill(x: centerX - half, y: centerY + dy, width: 2 * half + 1, height: 1, color)
        }
    }

    /// A straight line `thickness` pixels wide (Bresenham, with a square pen).
    package mutating func line(from start: (x: Int, y: Int), to end: (x: Int, y: Int), _ color: RGB, thickness: Int = 1) {
        var (x, y) = start
        let dx = abs(end.x - x), dy = -abs(end.y - y)
        let stepX = x < end.x ? 1 : -1, stepY = y < end.y ? 1 : -1
        var error = dx + dy
        let half = thickness / 2
        while true {
            fill(x: x - half, y: y - half, width: thickness, height: thickness, color)
            if x == end.x && y == end.y { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += stepX }
            if doubled <= dx { error += dx; y += stepY }
        }
    }

    /// How a text's position is read: its left edge, centre or right edge at `x`.
    package enum Alignment: Sendable { case left, center, right }

    /// The width in pixels of `text` at `scale`.
    package static func textWidth(_ text: String, scale: Int) -> Int {
        max(0, text.count * PixelFont.advance - 1) * scale
    }

    /// Draws `text` with its top at `y`, in the built-in 5×7 font magnified `scale` times.
    package mutating func text(_ text: String, x: Int, y: Int, scale: Int = 2, alignment: Alignment = .left, _ color: RGB = .black) {
        let width = Self.textWidth(text, scale: scale)
        var left = switch alignment {
        case .left: x
        case .center: x - width / 2
        case .right: x - width
        }
        for character in text {
            for (row, bits) in PixelFont.rows(character).enumerated() {
                for column in 0..<PixelFont.glyphWidth where bits >> (4 - column) & 1 == 1 {
                    fill(x: left + column * scale, y: y + row * scale, width: scale, height: scale, color)
                }
            }
            left += PixelFont.advance * scale
        }
    }

    /// Draws `text` rotated a quarter turn anticlockwise (reading upwards), centred on (x, y): for y-axis titles.
    package mutating func verticalText(_ text: String, x: Int, y: Int, scale: Int = 2, _ color: RGB = .black) {
        var label = Image(width: max(1, Self.textWidth(text, scale: scale)), height: PixelFont.glyphHeight * scale, background: .white)
        label.text(text, x: 0, y: 0, scale: scale, color)
        for row in 0..<label.height {
            for column in 0..<label.width where label.color(x: column, y: row) == color {
                set(x: x - label.height / 2 + row, y: y + label.width / 2 - column, color)
            }
        }
    }

    /// The picture as PNG bytes.
    package func pngData() throws -> Data {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(CPNGFormatRGBA)
        var size: Int = 0
        guard png_image_write_to_memory(&image, nil, &size, 0, pixels, 0, nil) != 0 else {
            throw ImageError(reason: "libpng could not size the PNG: \(Self.message(image))")
        }
        var data = Data(count: size)
        let written = data.withUnsafeMutableBytes { buffer in
            png_image_write_to_memory(&image, buffer.baseAddress, &size, 0, pixels, 0, nil)
        }
        guard written != 0 else { throw ImageError(reason: "libpng could not encode the PNG: \(Self.message(image))") }
        return data.prefix(size)
    }

    /// Writes the picture as a PNG file, atomically.
    package func writePNG(to path: String) throws {
        try AtomicFileWriter.write(try pngData(), to: path)
    }

    /// Decodes PNG bytes (any format libpng reads) into an RGBA image.
    package static func decodePNG(_ data: Data) throws -> Image {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let begun = data.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, data.count) }
        guard begun != 0 else { throw ImageError(reason: "not a PNG: \(message(image))") }
        image.format = UInt32(CPNGFormatRGBA)
        var result = Image(width: Int(image.width), height: Int(image.height))
        let finished = result.pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard finished != 0 else { throw ImageError(reason: "damaged PNG: \(message(image))") }
        return result
    }

    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}

/// A picture that could not be encoded or decoded.
package struct ImageError: Error, CustomStringConvertible {
    package let reason: String
    package var description: String { reason }
}
