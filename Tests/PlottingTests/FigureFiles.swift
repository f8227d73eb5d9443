import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Plotting

/// What a test reads back from a written figure: the SVG's text and shapes, the PNG's pixels.
struct FigureFiles {
    /// Every `<text>` element's content, in document order.
    let texts: [String]
    /// Every `<rect>` element's attributes, in document order.
    let rects: [[String: String]]
    let png: RasterImage
    let pdf: Data

    /// Writes `figure` in every format into a new temporary directory and reads each file back:
    /// the PNG through libpng, the SVG through an XML parser, the PDF by its header and trailer.
    init(_ figure: some Figure) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("figure-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let written = try figure.write(to: directory + "/figure", formats: .all)
        guard written == ["png", "svg", "pdf"].map({ directory + "/figure." + $0 }) else { throw FigureFileError.missing(written) }
        png = try RasterImage.decodePNG(Data(contentsOf: URL(fileURLWithPath: written[0])))
        let reader = SVGReader()
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: written[1])))
        parser.delegate = reader
        guard parser.parse(), reader.root == "svg" else { throw FigureFileError.badSVG(parser.parserError.map { "\($0)" } ?? "root \(reader.root ?? "none")") }
        texts = reader.texts
        rects = reader.rects
        pdf = try Data(contentsOf: URL(fileURLWithPath: written[2]))
        guard pdf.starts(with: Data("%PDF-1.".utf8)), String(decoding: pdf.suffix(8), as: UTF8.self).contains("%%EOF") else { throw FigureFileError.badPDF }
    }

    /// How many pixels of the PNG are exactly `color`.
    func pixels(of color: RGB) -> Int {
        (0..<png.height).reduce(0) { count, y in count + (0..<png.width).filter { png.color(x: $0, y: y) == color }.count }
    }
}

enum FigureFileError: Error {
    case missing([String]), badSVG(String), badPDF
}

private final class SVGReader: NSObject, XMLParserDelegate {
    var root: String?
    var texts = [String]()
    var rects = [[String: String]]()
    private var text: String?

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if root == nil { root = element }
        if element == "text" { text = "" }
        if element == "rect" { rects.append(attributes) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text? += string }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        if element == "text", let text {
            texts.append(text)
            self.text = nil
        }
    }
}
