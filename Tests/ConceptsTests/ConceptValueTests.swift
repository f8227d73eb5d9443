import Chess
import Concepts
import Testing

/// Each concept on positions whose value a chess player can check by looking.
struct ConceptValueTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let concept: String
        let fen: String
        let expected: Double
        init(_ concept: String, _ fen: String, _ expected: Double) {
            self.concept = concept
            self.fen = fen
            self.expected = expected
        }
        var testDescription: String { "\(concept) = \(expected) in \(fen)" }
    }

    static let start = Position.startFEN

    static let material: [Case] = [
        Case("my_pawns", start, 8), Case("opp_queens", start, 1),
        Case("my_queens", "Q3k3/8/8/8/8/8/8/4K3 b - - 0 1", 0), Case("opp_queens", "Q3k3/8/8/8/8/8/8/4K3 b - - 0 1", 1),
        Case("material_balance", start, 0),
        Case("material_balance", "4k3/8/8/8/8/8/8/R3K3 w - - 0 1", 5),
        Case("material_balance", "4k3/8/8/8/8/8/8/R3K3 b - - 0 1", -5),
        // A promotion counts as a queen, not a pawn.
        Case("material_balance", "4Q1k1/8/8/8/8/8/8/4K3 b - - 0 1", -9),
        Case("material_advantage", "4k3/8/8/8/8/8/8/R3K3 w - - 0 1", 1),
        Case("material_advantage", "4k3/8/8/8/8/8/P7/4K3 w - - 0 1", 0),
        Case("my_bishop_pair", "4k3/8/8/8/8/8/8/2B1KB2 w - - 0 1", 1), Case("opp_bishop_pair", "4k3/8/8/8/8/8/8/2B1KB2 w - - 0 1", 0),
        Case("piece_count", start, 32),
    ]

    static let tactics: [Case] = [
        Case("in_check", "rnb1kbnr/pppp1ppp/8/4p3/6Pq/5P2/PPPPP2P/RNBQKBNR w KQkq - 1 3", 1), Case("in_check", start, 0),
        Case("has_checking_move", start, 0), Case("has_checking_move", "4k3/8/8/8/8/8/8/R3K3 w - - 0 1", 1),
        Case("has_mate_in_one", "6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1", 1),
        Case("has_mate_in_one", "6k1/5pp1/8/8/8/8/8/R5K1 w - - 0 1", 0),
        Case("opp_has_mate_in_one", "6k1/5ppp/8/8/8/8/8/R5K1 b - - 0 1", 1),
        Case("opp_has_mate_in_one", "6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1", 0),
        Case("can_capture_opp_queen", "4k3/8/8/3q4/4P3/8/8/4K3 w - - 0 1", 1),
        // The e2 knight could take on d4 but is pinned to its king by the e8 rook.
        Case("can_capture_opp_queen", "4r1k1/8/8/8/3q4/8/4N3/4K3 w - - 0 1", 0),
        Case("my_queen_attacked", "4k3/8/8/8/8/2n5/8/3QK3 w - - 0 1", 1), Case("my_queen_attacked", start, 0),
        Case("legal_captures", start, 0),
        // En passant is a capture.
        Case("legal_captures", "4k3/8/8/3pP3/8/8/8/4K3 w - d6 0 2", 1),
        Case("opp_hanging_pieces", "4k3/8/8/3n4/8/8/8/3RK3 w - - 0 1", 1),
        Case("my_hanging_pieces", "4k3/8/8/3n4/8/8/8/3RK3 w - - 0 1", 0),
        Case("opp_hanging_pieces", "4k3/8/4p3/3n4/8/8/8/3RK3 w - - 0 1", 0),
        Case("my_pinned_pieces", "4k3/8/8/8/1b6/8/3N4/4K3 w - - 0 1", 1),
        Case("opp_pinned_pieces", "4k3/8/8/8/1b6/8/3N4/4K3 w - - 0 1", 0),
        Case("knight_fork_available", "r3k3/8/8/3N4/8/8/8/4K3 w - - 0 1", 1), Case("knight_fork_available", start, 0),
        Case("discovered_check_available", "4k3/8/8/8/8/8/4B3/4R1K1 w - - 0 1", 1), Case("discovered_check_available", start, 0),
        // A direct check by the moving rook is not a discovery.
        Case("discovered_check_available", "4k3/8/8/8/8/8/8/3R2K1 w - - 0 1", 0),
    ]

    static let kingSafety: [Case] = [
        Case("my_king_zone_attackers", "4k3/8/8/8/8/8/5n2/4K3 w - - 0 1", 1),
        Case("opp_king_zone_attackers", "4k3/8/8/8/8/8/5n2/4K3 w - - 0 1", 0),
        Case("my_pawn_shield", "6k1/5ppp/8/8/8/8/5PPP/6K1 w - - 0 1", 3),
        Case("my_pawn_shield", "6k1/5p1p/6p1/8/8/8/5PPP/6K1 b - - 0 1", 3),
        Case("opp_pawn_shield", "6k1/5p1p/8/8/8/8/5PPP/6K1 b - - 0 1", 3),
        Case("my_king_file", "4k3/8/8/8/8/8/8/4K3 w - - 0 1", 2),
        Case("my_king_file", "4k3/4p3/8/8/8/8/8/4K3 w - - 0 1", 1),
        Case("opp_king_file", "4k3/4p3/8/8/8/8/8/4K3 w - - 0 1", 0),
        Case("my_castling_rights", start, 2), Case("opp_castling_rights", "r3k2r/8/8/8/8/8/8/R3K2R w KQk - 0 1", 1),
        Case("my_has_castled", "r4rk1/8/8/8/8/8/8/R4RK1 w - - 0 1", 1), Case("my_has_castled", start, 0),
    ]

    static let pawnStructure: [Case] = [
        Case("my_passed_pawns", "4k3/8/8/3P4/8/8/8/4K3 w - - 0 1", 1),
        Case("my_passed_pawns", "4k3/4p3/8/3P4/8/8/8/4K3 w - - 0 1", 0),
        Case("my_passed_pawns", "4k3/8/8/3P4/4p3/8/8/4K3 w - - 0 1", 1),
        Case("opp_passed_pawns", "4k3/8/8/3P4/4p3/8/8/4K3 w - - 0 1", 1),
        Case("my_doubled_pawns", "4k3/8/8/8/8/4P3/4P3/4K3 w - - 0 1", 1),
        Case("my_isolated_pawns", "4k3/8/8/8/8/8/P1P5/4K3 w - - 0 1", 2),
        Case("my_isolated_pawns", "4k3/8/8/8/8/8/PP6/4K3 w - - 0 1", 0),
        Case("my_backward_pawns", "4k3/8/8/2p5/2P1P3/3P4/8/4K3 w - - 0 1", 1),
        Case("my_backward_pawns", "4k3/8/8/8/2P1P3/3P4/8/4K3 w - - 0 1", 0),
        Case("my_pawn_islands", "4k3/8/8/8/8/8/PP2P1PP/4K3 w - - 0 1", 3),
        Case("my_isolated_queen_pawn", "4k3/8/8/8/3P4/8/8/4K3 w - - 0 1", 1),
        Case("my_isolated_queen_pawn", "4k3/8/8/8/3P4/8/4P3/4K3 w - - 0 1", 0),
        Case("my_pawns_on_seventh", "4k3/P7/8/8/8/8/8/4K3 w - - 0 1", 1),
        Case("my_pawns_on_seventh", "4k3/8/8/8/8/8/p7/4K3 b - - 0 1", 1),
        Case("opp_pawns_on_seventh", "4k3/8/8/8/8/8/p7/4K3 w - - 0 1", 1),
    ]

    static let pieces: [Case] = [
        Case("my_mobility", start, 20), Case("opp_mobility", start, 20),
        Case("opp_mobility", "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1", 30),
        Case("my_rooks_open_file", "4k3/8/8/8/8/8/8/R3K3 w - - 0 1", 1),
        Case("my_rooks_open_file", "4k3/p7/8/8/8/8/8/R3K3 w - - 0 1", 0),
        Case("my_rooks_half_open_file", "4k3/p7/8/8/8/8/8/R3K3 w - - 0 1", 1),
        Case("my_rook_on_seventh", "4k3/R7/8/8/8/8/8/4K3 w - - 0 1", 1),
        Case("my_rook_on_seventh", "4k3/8/8/8/8/8/r7/4K3 b - - 0 1", 1),
        Case("opp_rook_on_seventh", "4k3/R7/8/8/8/8/8/4K3 b - - 0 1", 1),
        Case("my_connected_rooks", "3k4/8/8/8/8/8/8/R5RK w - - 0 1", 1),
        Case("my_connected_rooks", "4k3/8/8/8/8/8/8/R2K3R w - - 0 1", 0),
        Case("my_knight_outposts", "4k3/8/8/3N4/4P3/8/8/4K3 w - - 0 1", 1),
        Case("my_knight_outposts", "4k3/2p5/8/3N4/4P3/8/8/4K3 w - - 0 1", 0),
        Case("my_space", start, 0), Case("opp_space", start, 0),
        Case("my_centre_control", "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1", 0),
        Case("opp_centre_control", "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1", 1),
        Case("contested_open_file", "3rk3/8/8/8/8/8/8/3RK3 w - - 0 1", 1),
        Case("contested_open_file", "3rk3/3p4/8/8/8/8/8/3RK3 w - - 0 1", 0),
    ]

    static let game: [Case] = [
        Case("game_phase", start, 0),
        Case("game_phase", "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 20", 1),
        Case("game_phase", "4k3/8/8/8/8/8/8/R3K3 w - - 0 40", 2),
    ]

    @Test(arguments: material + tactics + kingSafety + pawnStructure + pieces + game)
    func value(_ testCase: Case) throws {
        let concept = try ConceptCatalogue.named(testCase.concept)
        #expect(concept.value(try Position(fen: testCase.fen)) == testCase.expected)
    }

    @Test func gameOutcomeFromTheSideToMovesView() throws {
        let concept = try ConceptCatalogue.named("game_outcome")
        let white = Position.start, black = try Position(fen: "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1")
        #expect(concept.value(ConceptInput(white, result: "1-0")) == 2)
        #expect(concept.value(ConceptInput(black, result: "1-0")) == 0)
        #expect(concept.value(ConceptInput(black, result: "1/2-1/2")) == 1)
        #expect(concept.value(ConceptInput(white)).isNaN)
    }

    @Test func hasCastledReadsTheGameWhenKnown() throws {
        var board = Board()
        for san in ["e4", "e5", "Nf3", "Nc6", "Bc4", "Bc5", "O-O", "Nf6", "Re1", "O-O", "Rf1", "Re8"] {
            board.push(try board.position.move(san: san))
        }
        let input = ConceptInput(board.position, history: board.moves[...], start: board.startPosition)
        // White castled and moved its rook back to f1; Black castled and moved its rook away, so only the history tells.
        #expect(try ConceptCatalogue.named("my_has_castled").value(input) == 1)
        #expect(try ConceptCatalogue.named("opp_has_castled").value(input) == 1)
        #expect(try ConceptCatalogue.named("opp_has_castled").value(board.position) == 0)
    }

    @Test func catalogueIsLargeUniquelyNamedAndDescribed() {
        let names = ConceptCatalogue.all.map(\.name)
        #expect(names.count >= 40)
        #expect(Set(names).count == names.count)
        #expect(ConceptCatalogue.all.allSatisfy { !$0.summary.isEmpty })
        #expect(throws: UnknownConceptError.self) { try ConceptCatalogue.parse("in_check,no_such_concept") }
    }

    @Test func valuesAreMirrorSymmetric() throws {
        // Swapping colours and flipping the board must not change any side-to-move concept.
        for fixture in ["r1bqkb1r/pppp1ppp/2n2n2/4p2Q/2B1P3/8/PPPP1PPP/RNB1K1NR w KQkq - 4 4",
                        "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1"] {
            let position = try Position(fen: fixture)
            let mirrored = try Position(fen: Self.mirror(fixture))
            for concept in ConceptCatalogue.all where concept.perspective == .sideToMove && concept.name != "game_outcome" {
                #expect(concept.value(position) == concept.value(mirrored), "\(concept.name)")
            }
        }
    }

    /// The colour-flipped FEN: ranks reversed, case swapped, side and castling swapped.
    static func mirror(_ fen: String) -> String {
        let fields = fen.split(separator: " ").map(String.init)
        let swapCase: (Character) -> Character = { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) }
        let board = fields[0].split(separator: "/").reversed().map { String($0.map(swapCase)) }.joined(separator: "/")
        let side = fields[1] == "w" ? "b" : "w"
        let castling = fields[2] == "-" ? "-" : String(fields[2].map(swapCase).sorted { $0.isUppercase && !$1.isUppercase })
        return [board, side, castling, "-", fields[4], fields[5]].joined(separator: " ")
    }
}
