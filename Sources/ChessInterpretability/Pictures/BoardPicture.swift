import Chess
import Plotting

/// A chess board with coordinates, highlighted squares or a heatmap, written as PNG, SVG
/// or PDF like every other figure.
///
/// ```swift
/// let picture = BoardPicture(.startingPosition, highlighted: [Square("e4")!], title: "after 1. e4")
/// try picture.write(to: "board", formats: .all)
/// ```
package struct BoardPicture: Figure {
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

    private static let cell = 40.0, margin = 18.0

    private var titleStyle: TextStyle {
        // Long captions drop to the small size rather than run off the board.
        let body = TextStyle(size: Style.bodySize, horizontal: .middle, vertical: .top)
        var small = body
        small.size = Style.smallSize
        return body.width(of: title) <= 8 * Self.cell + 2 * Self.margin - 4 ? body : small
    }

    private var top: Double { title.isEmpty ? 0 : titleStyle.lineHeight + 8 }

    package var width: Double { 8 * Self.cell + 2 * Self.margin }
    package var height: Double { width + top }

    /// The board, White at the bottom; pieces are the Unicode chess glyphs, a white piece
    /// drawn as the black glyph's shape filled white under the white glyph's outline.
    package func draw(on canvas: some Canvas) {
        let (cell, margin) = (Self.cell, Self.margin)
        if !title.isEmpty { canvas.text(title, at: Point(width / 2, 4), titleStyle) }
        let pieceStyle = TextStyle(size: cell * 0.82, horizontal: .middle, vertical: .middle)
        for rank in 0..<8 {
            for file in 0..<8 {
                let square = Square(file: file, rank: rank)
                let x = margin + Double(file) * cell, y = top + margin + Double(7 - rank) * cell
                canvas.fill(Rect(x: x, y: y, width: cell, height: cell), fill(square))
                guard let piece = position.piece(at: square) else { continue }
                let centre = Point(x + cell / 2, y + cell / 2 + cell * 0.04)
                var filled = pieceStyle
                filled.color = piece.color == .white ? .white : .black
                canvas.text(Self.glyph(Piece(piece.kind, .black)), at: centre, filled)
                if piece.color == .white { canvas.text(Self.glyph(piece), at: centre, pieceStyle) }
            }
        }
        let coordinates = TextStyle(size: Style.smallSize, color: RGB(90, 90, 90), horizontal: .middle, vertical: .middle)
        for index in 0..<8 {
            canvas.text(String("abcdefgh".dropFirst(index).first!), at: Point(margin + (Double(index) + 0.5) * cell, top + margin + 8 * cell + margin / 2), coordinates)
            canvas.text(String(index + 1), at: Point(margin / 2, top + margin + (Double(7 - index) + 0.5) * cell), coordinates)
        }
    }

    /// Boards side by side (e.g. before and after an edit) as one figure.
    package static func row(_ pictures: [BoardPicture]) -> FigureGrid {
        FigureGrid(pictures, columns: max(pictures.count, 1))
    }

    /// Boards in rows of `columns`, left to right and top to bottom, as one figure.
    package static func grid(_ pictures: [BoardPicture], columns: Int) -> FigureGrid {
        FigureGrid(pictures, columns: columns)
    }

    /// Boards row by row, each row left to right (rows may differ in length), as one figure.
    package static func rows(_ rows: [[BoardPicture]]) -> FigureGrid {
        FigureGrid(rows: rows)
    }

    static func glyph(_ piece: Piece) -> String {
        let white: [PieceKind: String] = [.king: "♔", .queen: "♕", .rook: "♖", .bishop: "♗", .knight: "♘", .pawn: "♙"]
        let black: [PieceKind: String] = [.king: "♚", .queen: "♛", .rook: "♜", .bishop: "♝", .knight: "♞", .pawn: "♟"]
        return (piece.color == .white ? white : black)[piece.kind]!
    }
}
