extension PGNGame {
    /// The seven tags every exported game starts with, in this order, with their "unknown" values.
    public static let sevenTagRoster: [Tag] = [
        Tag("Event", "?"), Tag("Site", "?"), Tag("Date", "????.??.??"), Tag("Round", "?"),
        Tag("White", "?"), Tag("Black", "?"), Tag("Result", "*"),
    ]

    /// The game in PGN export format: the seven-tag roster first, then the other tags
    /// in their order (with `SetUp`/`FEN` for a non-standard start), then movetext with
    /// comments, NAGs and variations, wrapped at 80 columns, ending with the result.
    public var pgn: String {
        var lines = [String]()
        // A result that is none of the four tokens is written as unknown, in the tag as at the end of
        // the movetext, which a reader takes as the game's result.
        let result = ["1-0", "0-1", "1/2-1/2"].contains(self.result) ? self.result : "*"
        var exportTags = Self.sevenTagRoster.map { roster in
            Tag(roster.name, roster.name == "Result" ? result : self[tag: roster.name] ?? roster.value)
        }
        exportTags += tags.filter { tag in !Self.sevenTagRoster.contains { $0.name == tag.name } }
        if startPosition != .start && !exportTags.contains(where: { $0.name == "FEN" }) {
            exportTags += [Tag("SetUp", "1"), Tag("FEN", startPosition.fen)]
        }
        for tag in exportTags {
            // By scalar, not by character: a quote followed by a combining mark is still a quote to a reader.
            var escaped = String.UnicodeScalarView()
            for scalar in tag.value.unicodeScalars {
                if scalar == "\\" || scalar == "\"" { escaped.append("\\") }
                escaped.append(scalar)
            }
            lines.append("[\(tag.name) \"\(String(escaped))\"]")
        }
        lines.append("")

        var words = [String]()
        if let comment = Self.braced(nodes[0].comment) { words.append(comment) }
        if let first = nodes[0].mainContinuation {
            appendLine(from: first, forceNumber: true, into: &words)
        }
        words.append(result)
        lines += Self.wrap(words, width: 80)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Appends a line of play starting at `index`, with the alternatives to each move
    /// in parentheses right after it.
    private func appendLine(from index: Int, forceNumber: Bool, into words: inout [String]) {
        var index = index
        var forceNumber = forceNumber
        while true {
            let node = nodes[index]
            let parent = nodes[node.parent!]
            if let comment = Self.braced(node.startingComment) { words.append(comment) }
            let before = parent.position
            if before.sideToMove == .white {
                words.append("\(before.fullmoveNumber).")
            } else if forceNumber {
                words.append("\(before.fullmoveNumber)...")
            }
            words.append(before.san(node.move))
            words += node.nags.map { "$\($0)" }
            let comment = Self.braced(node.comment)
            if let comment { words.append(comment) }
            forceNumber = comment != nil
            // Alternatives to the main-line move just written.
            if parent.mainContinuation == index && !parent.alternatives.isEmpty {
                for alternative in parent.alternatives {
                    var inner = [String]()
                    appendLine(from: alternative, forceNumber: true, into: &inner)
                    inner[0] = "(" + inner[0]
                    inner[inner.count - 1] += ")"
                    words += inner
                }
                forceNumber = true
            }
            guard let next = node.mainContinuation else { return }
            index = next
        }
    }

    /// A comment in braces. A brace comment cannot hold `}` (a `;` comment can), so it is
    /// dropped from the text, as python-chess drops it; the rest is spaced as the reader spaces
    /// a comment (line breaks and runs of blanks as one space), so that only `wrap` decides
    /// where lines start and the export reads back to itself. By scalar: `}` followed by a
    /// combining mark is one character but still ends a comment. `nil` when nothing is left,
    /// as the reader keeps no empty comment.
    static func braced(_ comment: String) -> String? {
        let text = PGNRawGame.normalizedComment(String(String.UnicodeScalarView(comment.unicodeScalars.filter { $0 != "}" })))
        return text.isEmpty ? nil : "{" + text + "}"
    }

    /// Greedy line filling; comment words may break across lines like any other word, except
    /// before a word starting with `[`: a comment line that starts with one and ends with `]`
    /// would read as a tag line, the start of the next game.
    static func wrap(_ words: [String], width: Int) -> [String] {
        var lines = [String](), line = "", lineLength = 0
        for word in words {
            for token in word.split(separator: " ") {
                let opensTag = token.unicodeScalars.first == "["
                let length = token.count
                if lineLength > 0 && lineLength + 1 + length > width && !opensTag {
                    lines.append(line)
                    line = String(token)
                    lineLength = length
                } else {
                    if lineLength > 0 { line.append(" "); lineLength += 1 }
                    line += token
                    lineLength += length
                }
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
