/// One game's tags and movetext tokens, split off the stream but not yet replayed.
///
/// Splitting is cheap and must be sequential; replaying the moves (`build()`) is
/// the expensive part and can run on any thread, so collections are read by one
/// reader feeding several builders.
public struct PGNRawGame: Sendable {
    struct Token: Sendable {
        enum Kind: UInt8, Sendable { case move, nag, comment, openVariation, closeVariation, result }
        var kind: Kind
        /// The glyph number of a NAG.
        var value: Int32
        var line: Int32
        /// The token's bytes in `text`.
        var start: Int32
        var count: Int32
    }

    /// The file name given to the reader, if any.
    public let file: String?
    /// The game's number in its file (1-based) and its first line.
    public let number: Int
    public let line: Int
    var tags: [PGNGame.Tag] = []
    var tokens: [Token] = []
    var text: [UInt8] = []
    /// A problem found while splitting (an unterminated comment, a read error, a game past the limits).
    var error: PGNError?
    /// How the FEN tag is read.
    var fenReading = FENReading.repairing

    /// The most moves (variations included) a game may hold: the longest legal game has
    /// 17,697 plies, so more is not a game but a runaway file, and is not kept in memory.
    public static let maximumMoves = 20_000
    /// The most bytes of movetext and comments a game may hold.
    public static let maximumBytes = 8 << 20
    private var moveCount = 0

    init(file: String?, number: Int, line: Int) {
        self.file = file
        self.number = number
        self.line = line
    }

    mutating func append(_ kind: Token.Kind, _ bytes: UnsafeBufferPointer<UInt8>, line: Int, value: Int32 = 0) {
        guard error == nil else { return }
        if kind == .move { moveCount += 1 }
        guard moveCount <= Self.maximumMoves, text.count + bytes.count <= Self.maximumBytes else {
            error = PGNError(.tooLong, file: file, game: number, line: line, reason: moveCount > Self.maximumMoves
                ? "more than \(Self.maximumMoves) moves (the longest legal game has 17,697 plies); the game is skipped"
                : "more than \(Self.maximumBytes >> 20) MiB of movetext and comments; the game is skipped")
            tokens = []
            text = []
            return
        }
        tokens.append(Token(kind: kind, value: value, line: Int32(line), start: Int32(text.count), count: Int32(bytes.count)))
        text.append(contentsOf: bytes)
    }

    /// Replays the movetext into a game. A problem in the main line (an illegal
    /// move, a bad FEN tag, unbalanced parentheses) fails the game; an unreadable
    /// variation is dropped and noted in the game's `issues`, as is each repair of
    /// the FEN tag when the reader repairs FENs.
    public func build() -> Result<PGNGame, PGNError> {
        func failure(_ kind: PGNError.Kind, _ line: Int, _ reason: String) -> Result<PGNGame, PGNError> {
            .failure(PGNError(kind, file: file, game: number, line: line, reason: reason))
        }
        if let error { return .failure(error) }
        var start = Position.start
        var repairs = [FENRepair]()
        if let fen = tags.first(where: { $0.name == "FEN" })?.value {
            do {
                start = fenReading == .strict ? try Position(fen: fen) : try Position(repairing: fen, repairs: &repairs)
            } catch {
                return failure(.badFENTag, line, "bad FEN tag: \(error.field.rawValue): \(error.reason)")
            }
        }
        var game = PGNGame(start: start, tags: tags, result: tags.first { $0.name == "Result" }?.value ?? "*", number: number, line: line)
        game.issues = repairs.map { PGNError(.repairedFEN, file: file, game: number, line: line, reason: "FEN tag repaired: \($0)") }
        var current = 0
        // Each open variation remembers the node to return to and the line where it opened.
        var openVariations: [(resume: Int, line: Int)] = []
        // A comment right after '(' belongs before the variation's first move.
        var atVariationStart = false
        var pendingStartingComment = ""
        // While skipping a variation whose move was unreadable: the nesting depth still to close.
        var skipDepth = 0

        func closeVariation() {
            current = openVariations.removeLast().resume
            atVariationStart = false
            pendingStartingComment = ""
        }

        for token in tokens {
            let line = Int(token.line)
            if skipDepth > 0 {
                if token.kind == .openVariation { skipDepth += 1 }
                if token.kind == .closeVariation {
                    skipDepth -= 1
                    if skipDepth == 0 { closeVariation() }
                }
                continue
            }
            switch token.kind {
            case .move:
                let parsed = text.withUnsafeBufferPointer {
                    SANMove(parsing: UnsafeBufferPointer(rebasing: $0[Int(token.start)..<Int(token.start + token.count)]))
                }
                do {
                    let move = try game.nodes[current].position.move(matching: parsed, notation: string(token))
                    current = game.add(move, after: current)
                    atVariationStart = false
                    if !pendingStartingComment.isEmpty {
                        let comment = pendingStartingComment
                        game.annotate(current) { $0.startingComment = comment }
                        pendingStartingComment = ""
                    }
                } catch {
                    if openVariations.isEmpty {
                        let kind: PGNError.Kind = switch error.reason {
                        case .illegal: .illegalMove
                        case .ambiguous: .ambiguousMove
                        case .malformed: .malformedMove
                        }
                        return failure(kind, line, error.description)
                    }
                    game.issues.append(PGNError(.droppedVariation, file: file, game: number, line: line, reason: "variation dropped from here: \(error)"))
                    skipDepth = 1
                }
            case .nag:
                game.annotate(current) { $0.nags.append(Int(token.value)) }
            case .comment:
                let comment = Self.normalizedComment(string(token))
                if comment.isEmpty { continue }
                if atVariationStart {
                    pendingStartingComment += (pendingStartingComment.isEmpty ? "" : " ") + comment
                } else {
                    game.annotate(current) { $0.comment += ($0.comment.isEmpty ? "" : " ") + comment }
                }
            case .openVariation:
                guard let parent = game.nodes[current].parent else {
                    return failure(.unbalancedParentheses, line, "a variation '(' before any move")
                }
                openVariations.append((resume: current, line: line))
                current = parent
                atVariationStart = true
            case .closeVariation:
                guard !openVariations.isEmpty else { return failure(.unbalancedParentheses, line, "unbalanced ')': no variation is open") }
                closeVariation()
            case .result:
                game.result = string(token)
            }
        }
        if let open = openVariations.last {
            return failure(.unbalancedParentheses, open.line, "unbalanced '(': the variation opened here is never closed")
        }
        return .success(game)
    }

    private func string(_ token: Token) -> String {
        String(decoding: text[Int(token.start)..<Int(token.start + token.count)], as: UTF8.self)
    }

    /// Comments keep their words but not their line breaks, so that export can wrap them at 80 columns.
    static func normalizedComment(_ text: String) -> String {
        // By scalar: a space before a combining mark is still a space where the text is split into lines.
        var words = String.UnicodeScalarView()
        var blankPending = false
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r" {
                blankPending = !words.isEmpty
            } else {
                if blankPending { words.append(" ") }
                blankPending = false
                words.append(scalar)
            }
        }
        return String(words)
    }
}
