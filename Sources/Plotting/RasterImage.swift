import CPNG
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

    /// The colour as `#rrggbb`.
    package var hex: String {
        "#" + [red, green, blue].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

/// A decoded or plain raster: 8-bit RGBA pixels, read and written as PNG through libpng.
/// Figures are drawn by `Figure`; this holds the pixels a PNG decodes to (how tests read
/// what was drawn) and the rasters a figure embeds.
package struct RasterImage: Equatable, Sendable {
    package let width: Int
    package let height: Int
    /// Row-major RGBA bytes.
    package private(set) var pixels: [UInt8]

    /// An image of one colour.
    package init(width: Int, height: Int, background: RGB = .white) {
        precondition(width > 0 && height > 0, "an image needs a positive size")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 255, count: width * height * 4)
        for index in 0..<(width * height) {
            (pixels[4 * index], pixels[4 * index + 1], pixels[4 * index + 2]) = (background.red, background.green, background.blue)
        }
    }

    /// Opaque pixels, row-major, `width` to a row.
    package init(pixels colors: [RGB], width: Int) {
        precondition(width > 0 && !colors.isEmpty && colors.count % width == 0, "a raster needs whole rows")
        self.width = width
        height = colors.count / width
        pixels = colors.flatMap { [$0.red, $0.green, $0.blue, 255] }
    }

    /// The colour at (x, y).
    package func color(x: Int, y: Int) -> RGB {
        let index = (y * width + x) * 4
        return RGB(pixels[index], pixels[index + 1], pixels[index + 2])
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

    /// Decodes PNG bytes (any format libpng reads) into an RGBA image.
    package static func decodePNG(_ data: Data) throws -> RasterImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let begun = data.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, data.count) }
        guard begun != 0 else { throw ImageError(reason: "not a PNG: \(message(image))") }
        image.format = UInt32(CPNGFormatRGBA)
        var result = RasterImage(width: Int(image.width), height: Int(image.height))
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
