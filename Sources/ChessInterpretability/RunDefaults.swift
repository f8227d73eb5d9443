import Plotting
/// What every chess run uses when it is not told otherwise, written once: the run
/// settings default to these, and so do the command line's shared options.
package enum RunDefaults {
    /// The shipped network.
    package static let model = "models/default"
    /// The shipped self-play collection that analyses draw positions from.
    package static let collections = ["positions/selfplay.pgn.gz"]
    /// The seed of every random choice.
    package static let seed: UInt64 = 1
    /// Every figure in PNG, SVG and PDF.
    package static let figureFormats = FigureFormats.all
}
