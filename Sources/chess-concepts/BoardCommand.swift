import ArgumentParser
import ChessInterpretability
import Chess
import Foundation
import Plotting

struct BoardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "board",
        abstract: "Draw a position as PNG, SVG or PDF.",
        discussion: """
            --out names the picture: a file ending in .png, .svg or .pdf is written in that format; any other name is \
            the stem of one file per --format.
            """)

    @Argument(help: "The position: a FEN or 'startpos'.")
    var fen: String

    @Option(help: "The picture to write: a .png, .svg or .pdf file, or a stem for --format.")
    var out: String

    @OptionGroup var figures: FigureOptions

    @Option(help: "Squares to highlight, comma-separated (e.g. e4,d5).")
    var highlight = ""

    @Option(help: "A caption above the board.")
    var title = ""

    func run() throws {
        let position: Position
        do { position = try Position(fenOrStartpos: fen) } catch { throw ValidationError("\(error)") }
        var squares = Set<Square>()
        for name in highlight.split(separator: ",") {
            guard let square = Square(name.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("--highlight: \"\(name)\" is not a square") }
            squares.insert(square)
        }
        let picture = BoardPicture(position, highlighted: squares, title: title)
        let named = FigureFormat(rawValue: (out as NSString).pathExtension.lowercased())
        let stem = named == nil ? out : (out as NSString).deletingPathExtension
        let formats = named.map { FigureFormats([$0]) } ?? figures.formats
        for path in try picture.write(to: stem, formats: formats) { print("Wrote \(path)") }
    }
}
