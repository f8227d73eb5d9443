import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

struct PictureCommandTests {
    @Test func boardWritesEachFormatAndRefusesBadInput() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("board-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let svg = try CommandRunner.run(["board", "startpos", "--highlight", "e2,e4", "--out", directory + "/b.svg"])
        #expect(svg.status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/b.svg"))
        #expect(XMLParser(data: data).parse())
        #expect(String(decoding: data, as: UTF8.self).contains("♔"))
        let png = try CommandRunner.run(["board", "8/8/8/4k3/8/8/8/4K2R w K - 0 1", "--out", directory + "/b.png"])
        #expect(png.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/b.png")).prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        // A stem takes --format; only the formats named are written.
        let stem = try CommandRunner.run(["board", "startpos", "--title", "start", "--format", "pdf,png", "--out", directory + "/s"])
        #expect(stem.status == 0, "\(stem.standardError)")
        #expect(["s.png", "s.pdf"].allSatisfy { FileManager.default.fileExists(atPath: directory + "/" + $0) })
        #expect(!FileManager.default.fileExists(atPath: directory + "/s.svg"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/s.pdf")).starts(with: Data("%PDF-".utf8)))
        let badFormat = try CommandRunner.run(["board", "startpos", "--format", "png,gif", "--out", directory + "/t"])
        #expect(badFormat.status != 0 && badFormat.standardError.contains("'gif' is not one of png, svg, pdf"))
        let badSquare = try CommandRunner.run(["board", "startpos", "--highlight", "z9", "--out", directory + "/c.svg"])
        #expect(badSquare.status != 0 && badSquare.standardError.contains("\"z9\" is not a square"))
        let badFEN = try CommandRunner.run(["board", "8/8/8 w - - 0 1", "--out", directory + "/d.svg"])
        #expect(badFEN.status != 0 && badFEN.standardError.contains("piece placement"))
    }

    /// The value's relevance map on the shipped model: files written, the relevance on the
    /// board plus what biases kept adds up to the read-out, and bad settings are named.
    @Test func relevanceWritesTheMapsAndNamesBadSettings() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relevance-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fen = "r1bqkbnr/pppp1ppp/2n5/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R w KQkq - 2 3"
        let result = try CommandRunner.run(["relevance", "--model", root + "/models/default", "--concept", "value", "--layer", "block2",
                                            "--fen", fen, "--out", directory])
        #expect(result.status == 0, "\(result.standardError)")
        for name in ["relevance.png", "relevance.svg", "channels.png", "squares.csv", "planes.csv", "channels.csv"] {
            #expect(FileManager.default.fileExists(atPath: directory + "/" + name), "\(name)")
        }
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/relevance.json"))) as! [String: Any]
        let total = summary["relevance_total"] as! Double, input = summary["relevance_input"] as! Double, absorbed = summary["relevance_absorbed"] as! Double
        #expect(abs(input + absorbed - total) <= 1e-4 * max(1, abs(total)))
        let squares = try String(contentsOfFile: directory + "/squares.csv", encoding: .utf8).split(separator: "\n")
        #expect(squares.count == 65 && squares.contains { $0.hasPrefix("e4,P,") })
        let badLayer = try CommandRunner.run(["relevance", "--model", root + "/models/default", "--concept", "value", "--layer", "block9",
                                              "--fen", fen, "--out", directory])
        #expect(badLayer.status != 0 && badLayer.standardError.contains("--layer block9"))
        let badRule = try CommandRunner.run(["relevance", "--concept", "value", "--fen", fen, "--rules", "conv=alpha"])
        #expect(badRule.status != 0 && badRule.standardError.contains("--rules: 'alpha' for conv is not a rule"))
    }

    @Test func tabularNamesTheMissingColumn() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("table-\(getpid()).csv").path
        try Data("a,b,y\n1,2,3\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CommandRunner.run(["tabular", "--csv", path, "--target", "price", "--concept", "a / b"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("no column \"price\" (columns: a, b, y)"))
    }
}
