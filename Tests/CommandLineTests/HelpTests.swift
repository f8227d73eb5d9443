import ArgumentParser
import Testing
@testable import chess_concepts

/// The whole `--help` of two commands, pinned as swift-argument-parser's own tests pin
/// theirs: one of the rules core, one built from the shared option groups.
struct HelpTests {
    @Test func perftHelp() {
        #expect(ChessConcepts.helpMessage(for: PerftCommand.self, columns: 80) == """
            OVERVIEW: Count the leaf nodes of the legal move tree (Stockfish's 'go perft').

            The last line is 'Nodes searched: N'. Timing goes to standard error.

            USAGE: chess-concepts perft <position> <depth> [--divide] [--json]

            ARGUMENTS:
              <position>              A FEN (quoted) or 'startpos'.
              <depth>                 Depth in plies (0-15).

            OPTIONS:
              --divide                Print '<uci>: <count>' for every root move first.
              --json                  Print one JSON object instead.
              -h, --help              Show help information.
            """ + "\n")
    }

    @Test func tcavHelpShowsTheSharedOptionsWithTheirDefaults() {
        #expect(ChessConcepts.helpMessage(for: TCAVCommand.self, columns: 80) == """
            OVERVIEW: TCAV: how often an output rises along a concept's direction at a
            layer, tested against random directions.

            For each binary concept, CAVs (logistic probes) separate its positive positions
            from each of --random-sets random counter-sets at --layer; random CAVs separate
            one random set from another. The TCAV score is the share of held-out positions
            where the output's directional derivative along the CAV is positive. A
            two-sided Welch t-test compares the concept's scores with the random ones
            (Bonferroni over the concepts). Writes OUT/tcav.csv and the figure OUT/tcav in
            each --format.

            USAGE: chess-concepts tcav <options>

            OPTIONS:
              --model <model>         The network: a model directory (config.json and one
                                      safetensors file per checkpoint), a Stockfish 15.1
                                      .nnue file, or 'stockfish' (the installed engine's
                                      own network). (default: models/default)
              --no-verify             Load checkpoints whose SHA-256 differs from the one
                                      config.json records.
              --checkpoint <checkpoint>
                                      Checkpoint step (default: the last saved).
              --concepts <concepts>   Comma-separated binary concepts. (default:
                                      in_check,has_checking_move,material_advantage,my_queen_attacked,has_mate_in_one)
              --layer <layer>         The layer the output is differentiated at: stem or
                                      blockN (NNUE: accumulator, fc0 or fc1). (default:
                                      block3)
              --output <output>       value (P(win) − P(loss) for the side to move; NNUE's
                                      evaluation) or move:<uci> (that move's policy logit).
                                      (default: value)
              --data <data>           PGN, EPD or FEN collections (optionally gzipped) to
                                      draw positions from. (default:
                                      positions/selfplay.pgn.gz)
              --examples <examples>   Positions in the concept set and in each random set.
                                      (default: 100)
              --random-sets <random-sets>
                                      Random counter-sets (at least 2; the paper used
                                      many). (default: 20)
              --tested <tested>       Held-out positions whose sensitivities are counted.
                                      (default: 300)
              --out <out>             Directory for the run's files (default:
                                      COMMAND-output, such as probe-output).
              --format <formats>      Figure formats, comma-separated: png, svg, pdf
                                      (default: all three).
              --seed <seed>           Seed of every random choice; the same seed gives the
                                      same files. (default: 1)
              -h, --help              Show help information.
            """ + "\n")
    }

    @Test func helpOnASubcommandPrintsItAndSucceeds() throws {
        let result = try CommandRunner.run(["relevance", "--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("OVERVIEW: Relevance maps"))
        let missing = try CommandRunner.run(["relevance", "--fen", "startpos"])
        #expect(missing.status == 64 && missing.standardError.contains("Missing expected argument '--concept <concept>'"))
    }
}
