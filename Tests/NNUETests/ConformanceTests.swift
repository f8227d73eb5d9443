import Chess
import Foundation
import NNUE
import Testing

/// The integer evaluation against what Stockfish 15.1's `eval` printed for 256 positions
/// (`scripts/make-nnue-fixtures.py`): the evaluation and all eight buckets' terms, exactly.
@Suite(.enabled(if: InstalledNetwork.network != nil, Comment(rawValue: InstalledNetwork.missing)))
struct ConformanceTests {
    struct Record: Decodable {
        struct Bucket: Decodable {
            let psqt: Double
            let positional: Double
        }

        let fen: String
        let nnue_evaluation: Double
        let bucket: Int
        let buckets: [Bucket]
    }

    static let records: [Record] = {
        let url = Bundle.module.url(forResource: "stockfish-eval", withExtension: "jsonl", subdirectory: "Fixtures")!
        return try! String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try! JSONDecoder().decode(Record.self, from: Data($0.utf8)) }
    }()

    @Test func theSetCoversEveryBucketAndBothSides() throws {
        let positions = try Self.records.map { try Position(fen: $0.fen) }
        #expect(positions.count >= 200)
        #expect(Set(Self.records.map(\.bucket)) == Set(0..<8))
        #expect(positions.filter { $0.sideToMove == .black }.count >= 100 && positions.allSatisfy { !$0.isCheck })
    }

    @Test func evaluationAndBucketsEqualStockfish() throws {
        let network = try #require(InstalledNetwork.network)
        var mismatches = [String]()
        for record in Self.records {
            let trace = network.trace(try Position(fen: record.fen))
            let ours = [Double(StockfishNetwork.Trace.linePawns(trace.whiteEvaluation))!]
                + zip(trace.psqt, trace.positional).flatMap { [Double(StockfishNetwork.Trace.tablePawns($0))!, Double(StockfishNetwork.Trace.tablePawns($1))!] }
            let theirs = [record.nnue_evaluation] + record.buckets.flatMap { [$0.psqt, $0.positional] }
            if ours != theirs || trace.bucket != record.bucket { mismatches.append(record.fen) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(Self.records.count) differ, e.g. \(mismatches.prefix(3))")
    }

    @Test func theBatchKernelAgreesWithTheTrace() throws {
        let network = try #require(InstalledNetwork.network)
        let positions = try Self.records.map { try Position(fen: $0.fen) }
        #expect(network.evaluate(positions) == positions.map { network.trace($0).evaluation })
    }
}
