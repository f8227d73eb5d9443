/// Reads PGN games one at a time from a byte stream, in constant memory.
///
/// Tolerant of what real files contain: tags in any order with odd names and
/// escaped quotes, `{}` comments over several lines, `;` comments, `%` escape
/// lines, nested variations, NAGs and `!?`-style suffixes, move numbers with or
/// without dots and spaces, SAN/LAN/UCI moves, null moves, a byte-order mark,
/// CRLF line ends, games without tags and games without moves.
///
/// A game that cannot be read comes back as a `.failure` naming file, game and
/// line; reading goes on with the next game.
public struct PGNReader: Sequence, IteratorProtocol {
    private var lines: LineReader
    private let file: String?
    private var current: PGNRawGame?
    private var finished: [PGNRawGame] = []
    private var gameCount = 0
    /// Inside a `{` comment that continues on later lines: its bytes so far and first line.
    private var openComment: (bytes: [UInt8], line: Int)?
    /// The current game's movetext has ended with a result token.
    private var afterResult = false
    private var exhausted = false
    /// How each game's FEN tag is read; repaired (and the repairs reported) unless set to strict.
    public var fenReading = FENReading.repairing

    /// Reads from `read`, which fills the buffer it is given and returns the byte
    /// count (0 at the end). `file` names the source in error messages.
    public init(file: String? = nil, read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
        self.file = file
        lines = LineReader(read: read)
    }

    /// Reads PGN held in memory.
    public init(file: String? = nil, text: String) {
        self.file = file
        lines = LineReader(text: text)
    }

    /// The next game, replayed, or `nil` at the end of the stream.
    public mutating func next() -> Result<PGNGame, PGNError>? {
        nextRawGame()?.build()
    }

    /// The next game split off the stream but not yet replayed (see `PGNRawGame.build()`).
    public mutating func nextRawGame() -> PGNRawGame? {
        while finished.isEmpty && !exhausted {
            do {
                if let line = try lines.nextLine() {
                    line.withUnsafeBufferPointer { lex($0) }
                } else {
                    finishAtEnd()
                }
            } catch let error as LineReader.LineTooLong {
                startGameIfNeeded()
                current!.error = current!.error ?? PGNError(.tooLong, file: file, game: current!.number, line: error.line, reason: "\(error); the game is skipped")
            } catch {
                startGameIfNeeded()
                let number = current!.number
                current!.error = PGNError(.readError, file: file, game: number, line: lines.lineNumber, reason: "read error: \(error)")
                finishGame()
                exhausted = true
            }
        }
        return finished.isEmpty ? nil : finished.removeFirst()
    }

    // MARK: Splitting

    private mutating func finishAtEnd() {
        if let comment = openComment, let number = current?.number {
            current!.error = PGNError(.unterminatedComment, file: file, game: number, line: comment.line, reason: "unterminated '{' comment")
        }
        openComment = nil
        finishGame()
        exhausted = true
    }

    private mutating func finishGame() {
        // A comment before the first game's tags is a game of its own, as python-chess reads it.
        if let game = current, !game.tags.isEmpty || !game.tokens.isEmpty || game.error != nil {
            finished.append(game)
        }
        current = nil
        afterResult = false
    }

    private mutating func startGameIfNeeded() {
        if current == nil {
            gameCount += 1
            current = PGNRawGame(file: file, number: gameCount, line: lines.lineNumber)
            current!.fenReading = fenReading
        }
    }

    private mutating func lex(_ line: UnsafeBufferPointer<UInt8>) {
        var index = 0
        if let comment = openComment {
            if Self.isTagLine(line) {
                // A tag line inside a comment means the comment was never closed: end that game there.
                if let number = current?.number {
                    current!.error = PGNError(.unterminatedComment, file: file, game: number, line: comment.line, reason: "unterminated '{' comment")
                }
                openComment = nil
                finishGame()
            } else if let close = line.firstIndex(of: UInt8(ascii: "}")) {
                let bytes = comment.bytes + [UInt8(ascii: " ")] + Array(line[..<close])
                bytes.withUnsafeBufferPointer { current!.append(.comment, $0, line: comment.line) }
                openComment = nil
                index = close + 1
            } else {
                // An unclosed comment grows only to the game's limit; past it the game is refused when the comment ends.
                if openComment!.bytes.count <= PGNRawGame.maximumBytes { openComment!.bytes += [UInt8(ascii: " ")] + Array(line) }
                return
            }
        }
        let firstNonBlank = line[index...].firstIndex { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") } ?? line.count
        if index == 0 && firstNonBlank < line.count {
            if line[0] == UInt8(ascii: "%") { return }  // escape line: reserved for other software
            if line[firstNonBlank] == UInt8(ascii: "[") {
                if let game = current, !game.tokens.isEmpty || afterResult || game.error != nil { finishGame() }
                startGameIfNeeded()
                lexTags(UnsafeBufferPointer(rebasing: line[firstNonBlank...]))
                return
            }
        }
        lexMovetext(line, from: index)
    }

    private static func isTagLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = line.firstIndex(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }),
              line[first] == UInt8(ascii: "["), let last = line.lastIndex(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") })
        else { return false }
        return line[last] == UInt8(ascii: "]") && line[first..<last].contains(UInt8(ascii: "\""))
    }

    /// Parses `[Name "value"]` pairs (several may share a line); `\"` and `\\` are escapes.
    private mutating func lexTags(_ line: UnsafeBufferPointer<UInt8>) {
        var index = 0
        while let open = line[index...].firstIndex(of: UInt8(ascii: "[")) {
            var cursor = open + 1
            while cursor < line.count, line[cursor] == UInt8(ascii: " ") { cursor += 1 }
            let nameStart = cursor
            while cursor < line.count, ![UInt8(ascii: " "), UInt8(ascii: "\""), UInt8(ascii: "]")].contains(line[cursor]) { cursor += 1 }
            let name = String(decoding: line[nameStart..<cursor], as: UTF8.self)
            while cursor < line.count, line[cursor] == UInt8(ascii: " ") { cursor += 1 }
            var value = [UInt8]()
            if cursor < line.count, line[cursor] == UInt8(ascii: "\"") {
                cursor += 1
                while cursor < line.count, line[cursor] != UInt8(ascii: "\"") {
                    if line[cursor] == UInt8(ascii: "\\"), cursor + 1 < line.count { cursor += 1 }
                    value.append(line[cursor])
                    cursor += 1
                }
            }
            if !name.isEmpty { current!.tags.append(PGNGame.Tag(name, String(decoding: value, as: UTF8.self))) }
            guard let close = line[cursor...].firstIndex(of: UInt8(ascii: "]")) else { return }
            index = close + 1
        }
    }

    private mutating func lexMovetext(_ line: UnsafeBufferPointer<UInt8>, from start: Int) {
        let lineNumber = lines.lineNumber
        var index = start
        while index < line.count {
            let byte = line[index]
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0B, 0x0C, UInt8(ascii: "}"):
                index += 1
            case UInt8(ascii: "{"):
                startGameIfNeeded()
                guard let close = line[(index + 1)...].firstIndex(of: UInt8(ascii: "}")) else {
                    openComment = (Array(line[(index + 1)...]), lineNumber)
                    return
                }
                current!.append(.comment, UnsafeBufferPointer(rebasing: line[(index + 1)..<close]), line: lineNumber)
                index = close + 1
            case UInt8(ascii: ";"):
                startGameIfNeeded()
                current!.append(.comment, UnsafeBufferPointer(rebasing: line[(index + 1)...]), line: lineNumber)
                return
            case UInt8(ascii: "("), UInt8(ascii: ")"):
                startGameIfNeeded()
                current!.append(byte == UInt8(ascii: "(") ? .openVariation : .closeVariation, UnsafeBufferPointer(rebasing: line[index..<(index + 1)]), line: lineNumber)
                index += 1
            case UInt8(ascii: "$"):
                var end = index + 1
                var value: Int32 = 0
                while end < line.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[end]), value < 10_000 {
                    value = value * 10 + Int32(line[end] - UInt8(ascii: "0"))
                    end += 1
                }
                if current != nil { current!.append(.nag, UnsafeBufferPointer(rebasing: line[index..<end]), line: lineNumber, value: value) }
                index = end
            default:
                var end = index + 1
                while end < line.count, !Self.endsSymbol(line[end]) { end += 1 }
                lexSymbol(UnsafeBufferPointer(rebasing: line[index..<end]), line: lineNumber)
                index = end
            }
        }
    }

    private static func endsSymbol(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0B, 0x0C, UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "("),
             UInt8(ascii: ")"), UInt8(ascii: ";"), UInt8(ascii: "$"):
            true
        default:
            false
        }
    }

    /// Results, move numbers (`12.`, `12...`, glued as in `1.e4`), suffix annotations and moves.
    private mutating func lexSymbol(_ symbol: UnsafeBufferPointer<UInt8>, line: Int) {
        if Self.isResult(symbol) {
            startGameIfNeeded()
            current!.append(.result, symbol, line: line)
            afterResult = true
            return
        }
        var body = symbol[...]
        // A move number: digits then dots; castling written with zeros is not one.
        if let first = body.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first), !(body.starts(with: "0-0".utf8)) {
            body = body.drop { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            guard body.isEmpty || body.first == UInt8(ascii: ".") else {
                appendMove(symbol[...], line: line)  // not a number after all: let the move parser judge it
                return
            }
        }
        body = body.drop { $0 == UInt8(ascii: ".") }
        guard !body.isEmpty else { return }
        appendMove(body, line: line)
    }

    private mutating func appendMove(_ symbol: Slice<UnsafeBufferPointer<UInt8>>, line: Int) {
        // Annotation suffixes become NAGs; a lone suffix annotates the previous move.
        let suffixStart = symbol.lastIndex { $0 != UInt8(ascii: "!") && $0 != UInt8(ascii: "?") }.map { $0 + 1 } ?? symbol.startIndex
        if afterResult && suffixStart > symbol.startIndex { finishGame() }
        startGameIfNeeded()
        if suffixStart > symbol.startIndex {
            current!.append(.move, UnsafeBufferPointer(rebasing: symbol[..<suffixStart]), line: line)
        }
        let suffix = symbol[suffixStart...]
        if let nag = Self.suffixNAG(suffix) {
            current!.append(.nag, UnsafeBufferPointer(rebasing: suffix), line: line, value: nag)
        }
    }

    /// `!` = $1, `?` = $2, `!!` = $3, `??` = $4, `!?` = $5, `?!` = $6.
    private static func suffixNAG(_ suffix: Slice<UnsafeBufferPointer<UInt8>>) -> Int32? {
        let bang = UInt8(ascii: "!"), query = UInt8(ascii: "?")
        switch (suffix.count, suffix.first, suffix.last) {
        case (1, bang, _): return 1
        case (1, query, _): return 2
        case (2, bang, bang): return 3
        case (2, query, query): return 4
        case (2, bang, query): return 5
        case (2, query, bang): return 6
        default: return nil
        }
    }

    private static func isResult(_ symbol: UnsafeBufferPointer<UInt8>) -> Bool {
        switch symbol.count {
        case 1: return symbol[0] == UInt8(ascii: "*")
        case 3: return symbol[1] == UInt8(ascii: "-") && (symbol[0] == UInt8(ascii: "1") && symbol[2] == UInt8(ascii: "0")
                                                          || symbol[0] == UInt8(ascii: "0") && symbol[2] == UInt8(ascii: "1"))
        case 7: return symbol.elementsEqual("1/2-1/2".utf8)
        default: return false
        }
    }
}
