import Chess
import Foundation
import Testing

struct PositionIssueTests {
    @Test(arguments: [
        ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", PositionIssues()),
        ("4k3/8/8/8/8/P7/PPPPPPPP/4K3 w - - 0 1", .tooManyWhitePawns),
        ("4k3/8/8/8/8/8/PPPPPPPP/QQ2K3 w - - 0 1", .tooManyPromotedWhitePieces),
        ("4k3/8/8/8/8/8/1PPPPPPP/QQ2K3 w - - 0 1", PositionIssues()),
        ("4q3/8/8/4K3/8/8/8/k3r3 w - - 0 1", .impossibleCheck),
        ("4k3/8/8/1B6/8/8/8/K3R3 b - - 0 1", PositionIssues()),
        ("4k3/8/8/8/8/8/8/K2RRR2 b - - 0 1", PositionIssues()),
        ("k3r3/1b6/5n2/8/4K3/8/8/8 w - - 0 1", PositionIssues([.tooManyCheckers, .impossibleCheck])),
    ])
    func issuesMatchPythonChessStatus(_ fen: String, _ expected: PositionIssues) throws {
        #expect(try Position(fen: fen).issues == expected)
    }
}

struct BoardEditTests {
    @Test func everyKindOfEditIsOfferedOnce() throws {
        let edits = Position.start.candidateEdits
        // 32 pieces × 32 empty squares to move to; 30 non-kings × (remove + 9 replacements); 32 empty squares × 10 pieces.
        #expect(edits.count == 32 * 32 + 30 * 10 + 32 * 10)
        #expect(Set(edits).count == edits.count)
        #expect(!edits.contains { if case .remove(let piece, _) = $0 { piece.kind == .king } else { false } })
    }

    @Test func editsWriteAsPlayersReadThem() throws {
        let knight = Piece(.knight, .white), queen = Piece(.queen, .black)
        #expect(BoardEdit.put(queen, Square("d5")!).description == "+qd5")
        #expect(BoardEdit.remove(knight, Square("f3")!).description == "-Nf3")
        #expect(BoardEdit.move(Piece(.bishop, .white), from: Square("c1")!, to: Square("e3")!).description == "Bc1-e3")
        #expect(BoardEdit.change(knight, Square("f3")!, to: queen).description == "Nf3=q")
    }

    @Test func castlingRightsFollowTheKingAndRooks() throws {
        let moved = try Position.start.applying(.move(Piece(.rook, .white), from: Square("h1")!, to: Square("h4")!)).get()
        #expect(moved.fen == "rnbqkbnr/pppppppp/8/8/7R/8/PPPPPPPP/RNBQKBN1 w Qkq - 0 1")
    }

    @Test func anEditThatLeavesTheSideNotToMoveInCheckIsRefused() throws {
        let position = try Position(fen: "4k3/8/8/8/8/8/8/4K3 w - - 0 1")
        let result = position.applying(.put(Piece(.rook, .white), Square("e4")!))
        #expect(throws: PositionIssues.oppositeCheck) { try result.get() }
        // Giving the side to move a (single) check is fine.
        #expect(throws: Never.self) { try position.applying(.put(Piece(.rook, .black), Square("e4")!)).get() }
    }

    @Test func validityOfEveryEditAgreesWithPythonChess() throws {
        let positions = ["r1bqkb1r/pppp1ppp/2n2n2/4p2Q/2B1P3/8/PPPP1PPP/RNB1K1NR w KQkq - 4 4",
                         "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1",
                         "rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3"]
        var lines = [String]()
        var ours = [Bool]()
        for fen in positions {
            let position = try Position(fen: fen)
            for edit in position.candidateEdits {
                switch position.applying(edit) {
                case .success(let edited):
                    lines.append(edited.fen)
                    ours.append(true)
                case .failure(let issues):
                    // Only the issues python-chess also knows; our promoted-piece count is extra.
                    guard issues.subtracting([.tooManyPromotedWhitePieces, .tooManyPromotedBlackPieces]).isEmpty == false else { continue }
                    lines.append(BoardEditTests.placementFEN(position, edit))
                    ours.append(false)
                }
            }
        }
        let script = """
            import sys, chess
            for line in sys.stdin:
                print(1 if chess.Board(line.strip()).status() == chess.STATUS_VALID else 0)
            """
        guard let verdicts = PythonChess.run(script, input: lines.joined(separator: "\n") + "\n") else {
            print("skipped: python3 with python-chess is not installed")
            return
        }
        #expect(verdicts.count == ours.count)
        let disagreements = zip(zip(lines, ours), verdicts).filter { ($0.0.1 ? "1" : "0") != $0.1 }.map(\.0.0)
        #expect(disagreements.isEmpty, "first disagreements: \(disagreements.prefix(5))")
    }

    /// The FEN of a refused edit's board, built by hand (the rules core never builds an invalid position).
    static func placementFEN(_ position: Position, _ edit: BoardEdit) -> String {
        var squares = (0..<64).map { position.piece(at: Square(file: $0 % 8, rank: $0 / 8)) }
        switch edit {
        case .put(let piece, let square): squares[square.index] = piece
        case .remove(_, let square): squares[square.index] = nil
        case .move(let piece, let from, let to): (squares[from.index], squares[to.index]) = (nil, piece)
        case .change(_, let square, let replacement): squares[square.index] = replacement
        }
        var ranks = [String]()
        for rank in (0..<8).reversed() {
            var text = "", gap = 0
            for file in 0..<8 {
                if let piece = squares[rank * 8 + file] {
                    if gap > 0 { text += String(gap) }
                    text.append(piece.fenSymbol)
                    gap = 0
                } else {
                    gap += 1
                }
            }
            ranks.append(gap > 0 ? text + String(gap) : text)
        }
        return ranks.joined(separator: "/") + (position.sideToMove == .white ? " w - - 0 1" : " b - - 0 1")
    }
}

/// Runs a python-chess script, or `nil` when python3 or python-chess is missing.
enum PythonChess {
    static func run(_ script: String, input: String) -> [String]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        // Without python-chess the interpreter exits at once: the write to its closed pipe
        // must fail quietly rather than raise SIGPIPE in the test process.
        signal(SIGPIPE, SIG_IGN)
        guard (try? process.run()) != nil else { return nil }
        let writer = Thread {
            try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
