/// What went wrong talking to a UCI engine.
public enum UCIError: Error, CustomStringConvertible {
    case notFound(String)
    case closed
    case unexpectedAnswer(String)

    public var description: String {
        switch self {
        case .notFound(let path): "no engine at \(path) (install Debian's 'stockfish' package: apt-get install stockfish)"
        case .closed: "the engine closed its output"
        case .unexpectedAnswer(let line): "unexpected engine answer '\(line)'"
        }
    }
}
