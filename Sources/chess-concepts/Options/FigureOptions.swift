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
}
