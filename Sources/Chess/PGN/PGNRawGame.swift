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
    /// A problem found while splitting (an unterminated comment, a read error).
    var error: PGNError?

    init(file: String?, number: Int, line: Int) {
        self.file = file
        self.number = number
        self.line = line
    }

    var hasMoves: Bool { tokens.contains { $0.kind == .move } }

    mutating func append(_ kind: Token.Kind, _ bytes: UnsafeBufferPointer<UInt8>, line: Int, value: Int32 = 0) {
        tokens.append(Token(kind: kind, value: value, line: Int32(line), start: Int32(text.count), count: Int32(bytes.count)))
        text.append(contentsOf: bytes)
    }

    /// Replays the movetext into a game. A problem in the main line (an illegal
    /// move, a bad FEN tag, unbalanced parentheses) fails the game; an unreadable
    /// variation is dropped and noted in the game's `issues`.
    public func build() -> Result<PGNGame, PGNError> {
        func failure(_ kind: PGNError.Kind, _ line: Int, _ reason: String) -> Result<PGNGame, PGNError> {
            .failure(PGNError(kind, file: file, game: number, line: line, reason: reason))
        }
        if let error { return .failure(error) }
        var start = Position.start
        if let fen = tags.first(where: { $0.name == "FEN" })?.value {
            do {
                start = try Position(fen: fen)
            } catch {
                return failure(.badFENTag, line, "bad FEN tag: \(error.field.rawValue): \(error.reason)")
            }
        }
        var game = PGNGame(start: start, tags: tags, result: tags.first { $0.name == "Result" }?.value ?? "*", number: number, line: line)
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
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }
}
