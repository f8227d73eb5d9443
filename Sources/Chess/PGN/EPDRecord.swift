/// One EPD line: a position (the first four FEN fields) and its operations,
/// such as `bm Nf3; id "WAC.001"; c0 "comment"; ce 25; acd 10; pv e4 e5 Nf3;`.
public struct EPDRecord: Sendable, Equatable {
    /// An opcode and its operands, in file order.
    public struct Operation: Sendable, Equatable {
        public var opcode: String
        public var operands: [String]
        public init(_ opcode: String, _ operands: [String]) {
            self.opcode = opcode
            self.operands = operands
        }
    }

    public var position: Position
    public var operations: [Operation]

    public init(position: Position, operations: [Operation] = []) {
        self.position = position
        self.operations = operations
    }

    /// Reads an EPD line. A full six-field FEN before the operations is accepted too;
    /// `hmvc` and `fmvn` operations set the clocks.
    public init(_ line: String) throws(EPDError) {
        try self.init(line, repair: nil)
    }

    /// Reads an EPD line, repairing its position's faults as `Position(repairing:repairs:)` does.
    public init(repairing line: String, repairs: inout [FENRepair]) throws(EPDError) {
        var found = [FENRepair]()
        try self.init(line) { found.append($0) }
        repairs += found
    }

    private init(_ line: String, repair: ((FENRepair) -> Void)?) throws(EPDError) {
        let words = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: true)
        guard words.count >= 4 else { throw EPDError(reason: "expected at least 4 fields, found \(words.count)") }
        var rest = words.count > 4 ? Substring(words[4]) : ""
        var clocks = ["0", "1"]
        // A FEN's two clock fields may stand before the operations.
        let restWords = rest.split(separator: " ", maxSplits: 2)
        if restWords.count >= 2, let halfmove = Int(restWords[0]), let fullmove = Int(restWords[1]) {
            clocks = [String(halfmove), String(fullmove)]
            rest = restWords.count > 2 ? restWords[2] : ""
        }
        operations = try Self.parseOperations(rest)
        for operation in operations where operation.opcode == "hmvc" || operation.opcode == "fmvn" {
            guard let value = operation.operands.first, Int(value) != nil else {
                throw EPDError(reason: "\(operation.opcode) needs an integer operand")
            }
            clocks[operation.opcode == "hmvc" ? 0 : 1] = value
        }
        let fen = words[0..<4].joined(separator: " ") + " " + clocks.joined(separator: " ")
        do {
            position = try Position(fen: fen, repair: repair)
        } catch {
            throw EPDError(reason: error.description)
        }
    }

    /// The operands of the first operation with `opcode`.
    public subscript(opcode: String) -> [String]? {
        operations.first { $0.opcode == opcode }?.operands
    }

    /// The moves of a move-valued operation: each of `bm`/`am` is a move of this position;
    /// `pv` is a line played move after move.
    public func moves(_ opcode: String) throws(MoveNotationError) -> [Move] {
        guard let operands = self[opcode] else { return [] }
        var current = position
        var moves = [Move]()
        for operand in operands {
            let move = try current.move(san: operand)
            moves.append(move)
            if opcode == "pv" { current.play(move) }
        }
        return moves
    }

    /// The EPD line: four FEN fields, then `opcode operands;` for every operation.
    public var epd: String {
        ([position.epd] + operations.map { operation in
            ([operation.opcode] + operation.operands.map { Self.quotedIfNeeded($0, opcode: operation.opcode) }).joined(separator: " ") + ";"
        }).joined(separator: " ")
    }

    private static func quotedIfNeeded(_ operand: String, opcode: String) -> String {
        let isText = opcode == "id" || (opcode.count == 2 && opcode.hasPrefix("c") && opcode.last!.isNumber)
        guard isText || operand.contains(where: { $0 == " " || $0 == "\t" || $0 == ";" || $0 == "\"" }) || operand.isEmpty else { return operand }
        return "\"" + operand.flatMap { $0 == "\"" || $0 == "\\" ? ["\\", $0] : [$0] }.map(String.init).joined() + "\""
    }

    /// Splits `op a b; op "quoted; text";` into operations; quotes protect spaces and semicolons.
    private static func parseOperations(_ text: Substring) throws(EPDError) -> [Operation] {
        var operations = [Operation]()
        var words = [String](), word = "", inQuotes = false, quoted = false, escaped = false
        func endWord() {
            if !word.isEmpty || quoted { words.append(word) }
            word = ""
            quoted = false
        }
        for character in text {
            if inQuotes {
                if escaped { word.append(character); escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inQuotes = false } else { word.append(character) }
                continue
            }
            switch character {
            case "\"": inQuotes = true; quoted = true
            case " ", "\t": endWord()
            case ";":
                endWord()
                if let opcode = words.first { operations.append(Operation(opcode, Array(words.dropFirst()))) }
                words = []
            default: word.append(character)
            }
        }
        guard !inQuotes else { throw EPDError(reason: "unterminated quoted operand") }
        endWord()
        if let opcode = words.first { operations.append(Operation(opcode, Array(words.dropFirst()))) }
        // An opcode is a name (a letter, then letters, digits and underscores), which is what lets it be written back unquoted.
        for operation in operations {
            guard let first = operation.opcode.first, first.isASCII, first.isLetter,
                  operation.opcode.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw EPDError(reason: "opcode '\(operation.opcode)' is not a name (a letter, then letters, digits or '_')")
            }
        }
        return operations
    }
}

/// Why an EPD line could not be read.
public struct EPDError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "invalid EPD: \(reason)" }
}
