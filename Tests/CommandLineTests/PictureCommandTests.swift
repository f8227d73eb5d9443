import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

struct PictureCommandTests {
    @Test func boardWritesSVGAndPNGAndRefusesBadInput() throws {
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
        let badSquare = try CommandRunner.run(["board", "startpos", "--highlight", "z9", "--out", directory + "/c.svg"])
        #expect(badSquare.status != 0 && badSquare.standardError.contains("\"z9\" is not a square"))
        let badFEN = try CommandRunner.run(["board", "8/8/8 w - - 0 1", "--out", directory + "/d.svg"])
        #expect(badFEN.status != 0 && badFEN.standardError.contains("piece placement"))
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
