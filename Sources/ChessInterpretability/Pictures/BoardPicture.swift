import Chess
import Plotting

/// A chess board drawn as SVG (Unicode piece glyphs, scalable) or as a raster image
/// (pieces as lettered discs), with coordinates, highlighted squares, or a heatmap.
package struct BoardPicture: Sendable {
    package let position: Position
    /// Squares to mark, e.g. those an edit changed.
    package var highlighted: Set<Square>
    package var title: String
    /// Per-square values in −1…1 (indexed by `Square.index`) shown as a red (positive) and
    /// blue (negative) heatmap over the squares, e.g. relevance.
    package var heat: [Double]?

    package init(_ position: Position, highlighted: Set<Square> = [], title: String = "", heat: [Double]? = nil) {
        precondition(heat == nil || heat!.count == 64, "a heatmap has one value per square")
        self.position = position
        self.highlighted = highlighted
        self.title = title
        self.heat = heat
    }

    /// The fill of `square`: the heatmap colour over a hint of the square's own shade, the
    /// highlight, or the plain square.
    func fill(_ square: Square) -> RGB {
        let base = (square.file + square.rank) % 2 == 0 ? Self.dark : Self.light
        if let heat {
            let color = ColorMap.diverging(heat[square.index])
            func blend(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) * 0.8 + Double(b) * 0.2).rounded()) }
            return RGB(blend(color.red, base.red), blend(color.green, base.green), blend(color.blue, base.blue))
        }
        return highlighted.contains(square) ? Self.mark : base
    }

    static let light = RGB(240, 217, 181), dark = RGB(181, 136, 99), mark = RGB(246, 226, 90)

    /// The board as a stand-alone SVG document, White at the bottom.
    package var svg: String {
        let cell = 45, margin = 20, top = title.isEmpty ? 0 : 24
        let size = 8 * cell + 2 * margin
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(size)\" height=\"\(size + top)\" viewBox=\"0 0 \(size) \(size + top)\" font-family=\"sans-serif\">",
                     "<rect width=\"\(size)\" height=\"\(size + top)\" fill=\"white\"/>"]
        if !title.isEmpty { parts.append("<text x=\"\(size / 2)\" y=\"17\" font-size=\"15\" text-anchor=\"middle\">\(Self.escaped(title))</text>") }
        for rank in 0..<8 {
            for file in 0..<8 {
                let square = Square(file: file, rank: rank)
                let x = margin + file * cell, y = top + margin + (7 - rank) * cell
                parts.append("<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(Self.hex(fill(square)))\"/>")
                if let piece = position.piece(at: square) {
                    parts.append("<text x=\"\(x + cell / 2)\" y=\"\(y + cell - 9)\" font-size=\"38\" text-anchor=\"middle\">\(Self.glyph(piece))</text>")
                }
            }
        }
        for index in 0..<8 {
            let files = "abcdefgh"
            parts.append("<text x=\"\(margin + index * cell + cell / 2)\" y=\"\(top + size - 5)\" font-size=\"12\" text-anchor=\"middle\">\(files[files.index(files.startIndex, offsetBy: index)])</text>")
            parts.append("<text x=\"\(margin / 2)\" y=\"\(top + margin + (7 - index) * cell + cell / 2 + 4)\" font-size=\"12\" text-anchor=\"middle\">\(index + 1)</text>")
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    /// The board as an image: discs lettered K Q R B N P, white or black, on brown and cream squares.
    package func image(cell: Int = 40) -> Image {
        let margin = 22, top = title.isEmpty ? 0 : 26
        let size = 8 * cell + 2 * margin
        var image = Image(width: size, height: size + top)
        // Long captions drop to the small font rather than run off the board.
        let titleScale = Image.textWidth(title, scale: 2) <= size ? 2 : 1
        if !title.isEmpty { image.text(title, x: size / 2, y: titleScale == 2 ? 6 : 10, scale: titleScale, alignment: .center) }
        for rank in 0..<8 {
            for file in 0..<8 {
                let square = Square(file: file, rank: rank)
                let x = margin + file * cell, y = top + margin + (7 - rank) * cell
                image.fill(x: x, y: y, width: cell, height: cell, fill(square))
                guard let piece = position.piece(at: square) else { continue }
                let white = piece.color == .white
                image.fillCircle(centerX: x + cell / 2, centerY: y + cell / 2, radius: cell * 2 / 5, white ? .black : .grey)
                image.fillCircle(centerX: x + cell / 2, centerY: y + cell / 2, radius: cell * 2 / 5 - 2, white ? .white : .black)
                image.text(String(piece.fenSymbol).uppercased(), x: x + cell / 2, y: y + cell / 2 - 10, scale: 3,
                           alignment: .center, white ? .black : .white)
            }
        }
        for index in 0..<8 {
            image.text(String("abcdefgh".dropFirst(index).first!), x: margin + index * cell + cell / 2, y: top + size - 17, scale: 2, alignment: .center)
            image.text(String(index + 1), x: margin / 2, y: top + margin + (7 - index) * cell + cell / 2 - 7, scale: 2, alignment: .center)
        }
        return image
    }

    /// Boards side by side (e.g. before and after an edit) as one image.
    package static func row(_ pictures: [BoardPicture], cell: Int = 40) -> Image {
        grid(pictures, columns: max(pictures.count, 1), cell: cell)
    }

    /// Boards in rows of `columns`, left to right and top to bottom, as one image.
    package static func grid(_ pictures: [BoardPicture], columns: Int, cell: Int = 40) -> Image {
        rows(chunked(pictures, columns), cell: cell)
    }

    /// Boards row by row, each row left to right (rows may differ in length), as one image.
    package static func rows(_ rows: [[BoardPicture]], cell: Int = 40) -> Image {
        let images = rows.map { $0.map { $0.image(cell: cell) } }
        let all = images.flatMap { $0 }
        let (width, height) = ((all.map(\.width).max() ?? 0) + 10, (all.map(\.height).max() ?? 0) + 10)
        var canvas = Image(width: (images.map(\.count).max() ?? 0) * width, height: images.count * height)
        for (y, row) in images.enumerated() {
            for (x, image) in row.enumerated() { canvas.draw(image, x: x * width, y: y * height) }
        }
        return canvas
    }

    private static func chunked(_ pictures: [BoardPicture], _ columns: Int) -> [[BoardPicture]] {
        stride(from: 0, to: pictures.count, by: columns).map { Array(pictures[$0..<min($0 + columns, pictures.count)]) }
    }

    /// Boards side by side as one SVG document.
    package static func rowSVG(_ pictures: [BoardPicture]) -> String {
        gridSVG(pictures, columns: max(pictures.count, 1))
    }

    /// Boards in rows of `columns` as one SVG document.
    package static func gridSVG(_ pictures: [BoardPicture], columns: Int) -> String {
        rowsSVG(chunked(pictures, columns))
    }

    /// Boards row by row (rows may differ in length) as one SVG document.
    package static func rowsSVG(_ rows: [[BoardPicture]]) -> String {
        let width = 8 * 45 + 40 + 10, height = 8 * 45 + 40 + 24 + 10
        let inner = rows.enumerated().flatMap { y, row in
            row.enumerated().map { x, picture in
                let body = picture.svg.split(separator: "\n").dropFirst().dropLast().joined(separator: "\n")
                return "<g transform=\"translate(\(x * width),\(y * height))\">\n\(body)\n</g>"
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\((rows.map(\.count).max() ?? 0) * width)\" height=\"\(rows.count * height)\" font-family=\"sans-serif\">\n"
            + inner.joined(separator: "\n") + "\n</svg>\n"
    }

    static func glyph(_ piece: Piece) -> String {
        let white: [PieceKind: String] = [.king: "♔", .queen: "♕", .rook: "♖", .bishop: "♗", .knight: "♘", .pawn: "♙"]
        let black: [PieceKind: String] = [.king: "♚", .queen: "♛", .rook: "♜", .bishop: "♝", .knight: "♞", .pawn: "♟"]
        return (piece.color == .white ? white : black)[piece.kind]!
    }

    static func hex(_ color: RGB) -> String {
        "#" + [color.red, color.green, color.blue].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func escaped(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
    }
}
