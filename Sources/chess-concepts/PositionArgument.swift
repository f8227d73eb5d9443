import ArgumentParser
import Chess

/// Reads a command-line position: `startpos` or a FEN. A bad FEN ends the run with
/// status 2 and one line on standard error naming the field at fault.
func parsePosition(_ text: String) throws -> Position {
    do {
        return try Position(fenOrStartpos: text)
    } catch {
        printError("error: \(error)")
        throw ExitCode(2)
    }
}
