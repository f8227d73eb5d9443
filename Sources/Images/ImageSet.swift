import DataFiles
import Foundation
import Neural

/// Labelled grey-scale images with pixels in [0, 1]: read from IDX files (the MNIST and
/// Fashion-MNIST format, plain or gzip) or from CSV rows of `label, pixel…`.
package struct ImageSet: Sendable {
    /// [n × height × width × 1].
    package let pixels: Tensor
    package let labels: [Int]

    package var count: Int { labels.count }
    package var height: Int { pixels.shape[1] }
    package var width: Int { pixels.shape[2] }

    package init(pixels: Tensor, labels: [Int]) {
        precondition(pixels.shape.count == 4 && pixels.shape[3] == 1 && pixels.rows == labels.count)
        self.pixels = pixels
        self.labels = labels
    }

    /// An IDX image file (unsigned bytes, n × rows × columns) and its IDX label file; at most `limit` images.
    package init(idxImages: String, idxLabels: String, limit: Int = .max) throws(DataFileError) {
        let images = try IDXFile(path: idxImages)
        let labels = try IDXFile(path: idxLabels)
        guard images.dimensions.count == 3 else {
            throw DataFileError(path: idxImages, reason: "holds \(images.dimensions.count)-dimensional data; images need 3 (count × rows × columns)")
        }
        guard labels.dimensions.count == 1 else { throw DataFileError(path: idxLabels, reason: "labels must be 1-dimensional, found \(labels.dimensions)") }
        guard labels.dimensions[0] == images.dimensions[0] else {
            throw DataFileError(path: idxLabels, reason: "\(labels.dimensions[0]) labels for \(images.dimensions[0]) images in \(idxImages)")
        }
        let n = min(limit, images.dimensions[0]), size = images.dimensions[1] * images.dimensions[2]
        let pixels = images.bytes.prefix(n * size).map { Float($0) / 255 }
        self.init(pixels: Tensor(shape: [n, images.dimensions[1], images.dimensions[2], 1], pixels), labels: labels.bytes.prefix(n).map(Int.init))
    }

    /// CSV rows `label, p1 … p(side²)` with a header, pixels 0–255 (the Kaggle MNIST layout); at most `limit` images.
    package init(csv path: String, limit: Int = .max) throws(DataFileError) {
        let table = try CSVTable(path: path)
        let side = Int(Double(table.columns.count - 1).squareRoot().rounded())
        guard side * side == table.columns.count - 1, side > 0 else {
            throw DataFileError(path: path, reason: "\(table.columns.count) columns: expected a label and a square number of pixels")
        }
        let n = min(limit, table.rows.count)
        var columns = [[Double?]]()
        for column in table.columns.indices { columns.append(Array(try table.numbers(column).prefix(n))) }
        var pixels = [Float](), labels = [Int]()
        for row in 0..<n {
            for column in columns.indices {
                guard let value = columns[column][row] else {
                    throw DataFileError(path: path, reason: "line \(table.lines[row]), column \(table.columns[column]): missing value")
                }
                if column == 0 {
                    labels.append(Int(value))
                } else {
                    guard (0...255).contains(value) else {
                        throw DataFileError(path: path, reason: "line \(table.lines[row]), column \(table.columns[column]): \(value) is outside 0–255")
                    }
                    pixels.append(Float(value / 255))
                }
            }
        }
        self.init(pixels: Tensor(shape: [n, side, side, 1], pixels), labels: labels)
    }

    /// The images at `indices`.
    package func subset(_ indices: [Int]) -> ImageSet {
        ImageSet(pixels: pixels.gathering(rows: indices), labels: indices.map { labels[$0] })
    }
}

/// An IDX file: a magic number (two zero bytes, the element type, the number of
/// dimensions), the dimensions as big-endian 32-bit integers, then the data.
package struct IDXFile {
    package let dimensions: [Int]
    package let bytes: ArraySlice<UInt8>

    package init(path: String) throws(DataFileError) {
        try self.init(try CompressedFileReader(path: path).readToEnd(), path: path)
    }

    /// Reads the bytes of an IDX file; `path` only names it in errors.
    package init(_ data: [UInt8], path: String) throws(DataFileError) {
        guard data.count >= 4, data[0] == 0, data[1] == 0 else { throw DataFileError(path: path, reason: "not an IDX file (bad magic number)") }
        guard data[2] == 0x08 else { throw DataFileError(path: path, reason: String(format: "element type 0x%02x; only unsigned bytes (0x08) are read", data[2])) }
        let rank = Int(data[3])
        guard rank >= 1, data.count >= 4 + 4 * rank else { throw DataFileError(path: path, reason: "the header is truncated") }
        dimensions = (0..<rank).map { axis in (0..<4).reduce(0) { $0 << 8 | Int(data[4 + 4 * axis + $1]) } }
        // Dimensions are read from the file: their product may not fit, and then no file can hold the data.
        let (expected, overflow) = dimensions.reduce((1, false)) { product, dimension in
            let (value, overflow) = product.0.multipliedReportingOverflow(by: dimension)
            return (value, product.1 || overflow)
        }
        let start = 4 + 4 * rank
        guard !overflow else {
            throw DataFileError(path: path, reason: "the header's dimensions (\(dimensions.map(String.init).joined(separator: " × "))) multiply past any file size")
        }
        guard data.count - start == expected else {
            throw DataFileError(path: path, reason: "the header promises \(expected) bytes of data (\(dimensions.map(String.init).joined(separator: " × "))), the file holds \(data.count - start)")
        }
        bytes = data[start...]
    }
}
