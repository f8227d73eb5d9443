import ArgumentParser
import ChessInterpretability
import Chess
import DataFiles
import Foundation

struct BoardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "board",
        abstract: "Draw a position as SVG or PNG (by the --out file's extension).")

    @Argument(help: "The position: a FEN or 'startpos'.")
    var fen: String

    @Option(help: "The picture to write: a .svg or .png file.")
    var out: String

    @Option(help: "Squares to highlight, comma-separated (e.g. e4,d5).")
    var highlight = ""

    @Option(help: "A caption above the board.")
    var title = ""

    func run() throws {
        let position: Position
        do { position = fen == "startpos" ? Position.start : try Position(fen: fen) } catch { throw ValidationError("\(error)") }
        var squares = Set<Square>()
        for name in highlight.split(separator: ",") {
            guard let square = Square(name.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("--highlight: \"\(name)\" is not a square") }
            squares.insert(square)
        }
        let picture = BoardPicture(position, highlighted: squares, title: title)
        if out.hasSuffix(".svg") {
            try AtomicFileWriter.write(Data(picture.svg.utf8), to: out)
        } else if out.hasSuffix(".png") {
            try picture.image().writePNG(to: out)
        } else {
            throw ValidationError("--out must end in .svg or .png")
        }
        print("Wrote \(out)")
    }
}
