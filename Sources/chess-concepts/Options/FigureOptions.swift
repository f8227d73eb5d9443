import ArgumentParser
import ChessInterpretability
import Plotting

/// `--format`: the file formats every figure of a run is written in.
struct FigureOptions: ParsableArguments {
    @Option(name: .customLong("format"),
            help: ArgumentHelp("Figure formats, comma-separated: png, svg, pdf (default: all three).", valueName: "formats"),
            transform: { text in
                do { return try FigureFormats(parsing: text) } catch { throw ValidationError("--format: \(error)") }
            })
    var chosen: FigureFormats?

    var formats: FigureFormats { chosen ?? RunDefaults.figureFormats }

    /// The file names that figures with these stems get, for the closing "Wrote …" line.
    func files(_ stems: String...) -> String {
        stems.flatMap { stem in formats.members.map { "\(stem).\($0.rawValue)" } }.joined(separator: ", ")
    }
}
